@testable import AviaryONNX
import Foundation
import Testing

@Suite struct TensorProtoTests {
    static let numpyTypes = ["float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"]

    /// raw_data, the typed field and NumPy's .npy of the same values decode to the same array.
    @Test(arguments: numpyTypes) func rawTypedAndNumPyAgree(_ type: String) throws {
        let raw = try HostArray.readTensorProto(at: Fixture.url("tensors/\(type)_raw.pb"))
        let typed = try HostArray.readTensorProto(at: Fixture.url("tensors/\(type)_typed.pb"))
        let numpy = try NumPyFile.read(Fixture.url("tensors/\(type).npy"))
        #expect(raw.name == "\(type)_raw")
        #expect(raw.array.elementType.rawValue == type)
        #expect(raw.array == numpy)
        #expect(typed.array == numpy)
    }

    @Test func bfloat16FromBothFields() throws {
        for file in ["bfloat16_raw", "bfloat16_typed"] {
            let array = try HostArray.readTensorProto(at: Fixture.url("tensors/\(file).pb")).array
            #expect(array.elementType == .bfloat16)
            #expect(array.floats() == [1, -2, 0.5, 3.140625])
        }
    }

    @Test func writesRawDataThatReadsBack() throws {
        let array = try HostArray(shape: [2, 2], values: [Int64(1), -2, 3, .max])
        let tensor = Onnx_TensorProto(name: "t", array: array)
        #expect(tensor.dataType == 7)
        #expect(tensor.dims == [2, 2])
        let decoded = try Onnx_TensorProto(serializedBytes: try tensor.serializedData())
        #expect(try HostArray(decoded) == array)
    }

    @Test func refusesWhatItCannotRead() throws {
        #expect(throws: ONNXError.externalData(tensor: "weights", location: "weights.bin")) {
            try HostArray.readTensorProto(at: Fixture.url("tensors/external.pb"))
        }
        #expect(throws: ONNXError.unsupportedDataType(tensor: "names", dataType: 8)) {
            try HostArray.readTensorProto(at: Fixture.url("tensors/string.pb"))
        }
        #expect(throws: ONNXError.tensorSize(tensor: "short", reason: "dims [2, 3] hold 6 float32 elements (24 bytes), but the data has 20 bytes")) {
            try HostArray.readTensorProto(at: Fixture.url("tensors/short.pb"))
        }
        #expect("\(ONNXError.externalData(tensor: "w", location: "w.bin"))"
            == "tensor 'w': its data lives in an external file ('w.bin'), which Aviary does not read; save the model with the weights inside (onnx.save_model(model, path, save_as_external_data=False))")
        #expect("\(ONNXError.unsupportedDataType(tensor: "s", dataType: 8))"
            == "tensor 's': element type STRING is not supported; supported: FLOAT, DOUBLE, FLOAT16, BFLOAT16, INT8, INT16, INT32, INT64, UINT8, UINT16, UINT32, UINT64, BOOL")
    }
}
