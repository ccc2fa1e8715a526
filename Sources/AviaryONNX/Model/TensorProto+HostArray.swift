import Foundation
import SwiftProtobuf

/// TensorProto ↔ HostArray. ONNX allows each tensor's data either as `raw_data` (little-endian bytes)
/// or in a typed repeated field whose choice depends on the element type; both are read, and
/// `raw_data` is written, as `onnx.numpy_helper.from_array` does.
extension HostArray {
    public init(_ tensor: Onnx_TensorProto) throws(ONNXError) {
        let name = tensor.name.isEmpty ? "(unnamed)" : tensor.name
        if tensor.dataLocation == .external || !tensor.externalData.isEmpty {
            let location = tensor.externalData.first { $0.key == "location" }?.value ?? "?"
            throw .externalData(tensor: name, location: location)
        }
        guard let type = ElementType(onnxDataType: tensor.dataType) else {
            throw .unsupportedDataType(tensor: name, dataType: tensor.dataType)
        }
        let shape = tensor.dims.map(Int.init)
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .tensorSize(tensor: name, reason: "dims \(tensor.dims) has a negative dimension") }
        guard let count = HostArray.elementCount(shape), count <= Int.max / 8 else {
            throw .tensorSize(tensor: name, reason: "dims \(tensor.dims) hold more elements than memory can address")
        }
        let bytes: [UInt8]
        if tensor.hasRawData {
            bytes = [UInt8](tensor.rawData)
        } else {
            bytes = try Self.typedFieldBytes(tensor, type: type, count: count, name: name)
        }
        do {
            try self.init(elementType: type, shape: shape, bytes: bytes)
        } catch {
            throw .tensorSize(tensor: name, reason: "dims \(shape) hold \(count) \(type) elements (\(count * type.byteCount) bytes), "
                              + "but the data has \(bytes.count) bytes")
        }
    }

    /// Which typed field holds which type is fixed by onnx.proto; narrow types live one per int32.
    private static func typedFieldBytes(_ tensor: Onnx_TensorProto, type: ElementType, count: Int, name: String) throws(ONNXError) -> [UInt8] {
        func check(_ field: String, _ found: Int) throws(ONNXError) {
            guard found == count else {
                throw .tensorSize(tensor: name, reason: "dims \(tensor.dims) hold \(count) elements, but \(field) has \(found)")
            }
        }
        func pack<T: HostScalar>(_ values: [T]) -> [UInt8] { values.withUnsafeBytes { Array($0) } }
        switch type {
        case .float32:
            try check("float_data", tensor.floatData.count); return pack(tensor.floatData)
        case .float64:
            try check("double_data", tensor.doubleData.count); return pack(tensor.doubleData)
        case .int64:
            try check("int64_data", tensor.int64Data.count); return pack(tensor.int64Data)
        case .int32:
            try check("int32_data", tensor.int32Data.count); return pack(tensor.int32Data)
        case .int16:
            try check("int32_data", tensor.int32Data.count); return pack(tensor.int32Data.map { Int16(truncatingIfNeeded: $0) })
        case .int8:
            try check("int32_data", tensor.int32Data.count); return pack(tensor.int32Data.map { Int8(truncatingIfNeeded: $0) })
        case .uint16, .float16, .bfloat16:
            try check("int32_data", tensor.int32Data.count); return pack(tensor.int32Data.map { UInt16(truncatingIfNeeded: $0) })
        case .uint8:
            try check("int32_data", tensor.int32Data.count); return pack(tensor.int32Data.map { UInt8(truncatingIfNeeded: $0) })
        case .bool:
            try check("int32_data", tensor.int32Data.count); return tensor.int32Data.map { $0 != 0 ? 1 : 0 }
        case .uint32:
            try check("uint64_data", tensor.uint64Data.count); return pack(tensor.uint64Data.map { UInt32(truncatingIfNeeded: $0) })
        case .uint64:
            try check("uint64_data", tensor.uint64Data.count); return pack(tensor.uint64Data)
        }
    }

    /// Reads a bare TensorProto file, such as the backend tests' `input_0.pb`.
    public static func readTensorProto(at url: URL) throws(ONNXError) -> (name: String, array: HostArray) {
        let data = try ONNXModelFile.readBytes(url)
        let tensor: Onnx_TensorProto
        do {
            tensor = try Onnx_TensorProto(serializedBytes: data)
        } catch {
            throw .notAModel(path: url.path, reason: "not a TensorProto: \(error)")
        }
        return (tensor.name, try HostArray(tensor))
    }
}

extension Onnx_TensorProto {
    /// A tensor with `raw_data`, the compact form ONNX writers use. An empty name is left unset, as
    /// `numpy_helper.from_array` leaves it (a Constant node's value has none).
    public init(name: String, array: HostArray) {
        self.init()
        if !name.isEmpty { self.name = name }
        self.dataType = array.elementType.onnxDataType
        self.dims = array.shape.map(Int64.init)
        self.rawData = Data(array.bytes)
    }
}
