/// The element types a host array can hold: the fixed-width numeric types ONNX, NumPy and PyTorch
/// share. Strings, complex numbers and sub-byte floats are left out on purpose: no supported
/// operator or checkpoint needs them, and refusing them by name beats a silent reinterpretation.
public enum ElementType: String, CaseIterable, Codable, Sendable {
    case float32, float64, float16, bfloat16
    case int8, int16, int32, int64
    case uint8, uint16, uint32, uint64
    case bool

    /// Bytes per element in the little-endian layout every format here uses.
    public var byteCount: Int {
        switch self {
        case .int8, .uint8, .bool: 1
        case .float16, .bfloat16, .int16, .uint16: 2
        case .float32, .int32, .uint32: 4
        case .float64, .int64, .uint64: 8
        }
    }

    /// `TensorProto.DataType` numbers from onnx.proto.
    public var onnxDataType: Int32 {
        switch self {
        case .float32: 1
        case .uint8: 2
        case .int8: 3
        case .uint16: 4
        case .int16: 5
        case .int32: 6
        case .int64: 7
        case .bool: 9
        case .float16: 10
        case .float64: 11
        case .uint32: 12
        case .uint64: 13
        case .bfloat16: 16
        }
    }

    public init?(onnxDataType: Int32) {
        guard let match = Self.allCases.first(where: { $0.onnxDataType == onnxDataType }) else { return nil }
        self = match
    }

    /// The name onnx.proto gives a data type number, for error messages about types we refuse.
    public static func onnxName(of dataType: Int32) -> String {
        let names: [Int32: String] = [0: "UNDEFINED", 1: "FLOAT", 2: "UINT8", 3: "INT8", 4: "UINT16", 5: "INT16",
                                      6: "INT32", 7: "INT64", 8: "STRING", 9: "BOOL", 10: "FLOAT16", 11: "DOUBLE",
                                      12: "UINT32", 13: "UINT64", 14: "COMPLEX64", 15: "COMPLEX128", 16: "BFLOAT16",
                                      17: "FLOAT8E4M3FN", 18: "FLOAT8E4M3FNUZ", 19: "FLOAT8E5M2", 20: "FLOAT8E5M2FNUZ",
                                      21: "UINT4", 22: "INT4", 23: "FLOAT4E2M1", 24: "FLOAT8E8M0", 25: "UINT2", 26: "INT2"]
        return names[dataType] ?? "data type \(dataType)"
    }

    /// The NumPy type string without its byte-order character ("f4", "i8", "b1").
    public var numpyKind: String {
        switch self {
        case .float32: "f4"
        case .float64: "f8"
        case .float16: "f2"
        case .bfloat16: "V2"  // NumPy has no bfloat16; the .npy writer refuses it.
        case .int8: "i1"
        case .int16: "i2"
        case .int32: "i4"
        case .int64: "i8"
        case .uint8: "u1"
        case .uint16: "u2"
        case .uint32: "u4"
        case .uint64: "u8"
        case .bool: "b1"
        }
    }

    /// The PyTorch storage class that holds this type (`torch.FloatStorage`…).
    public var torchStorageName: String? {
        switch self {
        case .float32: "FloatStorage"
        case .float64: "DoubleStorage"
        case .float16: "HalfStorage"
        case .bfloat16: "BFloat16Storage"
        case .int8: "CharStorage"
        case .int16: "ShortStorage"
        case .int32: "IntStorage"
        case .int64: "LongStorage"
        case .uint8: "ByteStorage"
        case .bool: "BoolStorage"
        case .uint16, .uint32, .uint64: nil
        }
    }

    public init?(torchStorageName: String) {
        guard let match = Self.allCases.first(where: { $0.torchStorageName == torchStorageName }) else { return nil }
        self = match
    }

    public var isFloatingPoint: Bool { [.float32, .float64, .float16, .bfloat16].contains(self) }
}
