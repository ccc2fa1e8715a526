@testable import AviaryONNX
import Foundation
import Testing

@Suite struct NumPyFileTests {
    @Test func readsWhatNumPyWrote() throws {
        let floats = try NumPyFile.read(Fixture.url("tensors/float32.npy"))
        #expect(floats.shape == [2, 3])
        #expect(try floats.values(as: Float.self) == [0, -1.5, 3.25, 1e-8, 65504, -0.1])
        #expect(try NumPyFile.read(Fixture.url("tensors/int64.npy")).values(as: Int64.self) == [.min, -1, 0, .max])
        #expect(try NumPyFile.read(Fixture.url("tensors/bool.npy")).values(as: Bool.self) == [true, false, false, true])
        #expect(try NumPyFile.read(Fixture.url("tensors/uint64.npy")).values(as: UInt64.self) == [0, 1, .max])
        let halves = try NumPyFile.read(Fixture.url("tensors/float16.npy"))
        #expect(halves.elementType == .float16)
        #expect(halves.floats() == [0, 1, -2, 0.5, 65504, 6.1035156e-05, 5.9604645e-08, -0.0999755859375])
    }

    @Test func bigEndianFilesAreSwapped() throws {
        #expect(try NumPyFile.read(Fixture.url("tensors/int32_big_endian.npy")).values(as: Int32.self) == [1, -2, 300])
    }

    /// Encoding what was read gives NumPy's own bytes back, padding and all.
    @Test func writesExactlyWhatNumPyWrites() throws {
        for name in ["float32", "float64", "float16", "int8", "int16", "int32", "int64", "uint8", "uint16", "uint32", "uint64", "bool"] {
            let original = try [UInt8](Data(contentsOf: Fixture.url("tensors/\(name).npy")))
            #expect(try NumPyFile.encode(NumPyFile.decode(original)) == original, "\(name)")
        }
        let scalar = try HostArray(shape: [], values: [Float(2.5)])
        #expect(try NumPyFile.decode(NumPyFile.encode(scalar)) == scalar)
    }

    @Test func badFilesGiveClearErrors() throws {
        #expect(throws: NumPyError.fileNotFound(path: "/nonexistent.npy")) { try NumPyFile.read(URL(fileURLWithPath: "/nonexistent.npy")) }
        #expect(throws: NumPyError.malformed(path: "(memory)", reason: "it does not start with the .npy magic \\x93NUMPY")) {
            try NumPyFile.decode(Array("hello world".utf8))
        }
        var truncated = try NumPyFile.encode(HostArray(shape: [4], values: [Int32](repeating: 1, count: 4)))
        truncated.removeLast(3)
        #expect(throws: NumPyError.malformed(path: "(memory)", reason: "shape [4] of int32 needs 16 bytes of data, the file has 13")) {
            try NumPyFile.decode(truncated)
        }
        let fortran = Self.npy("{'descr': '<f4', 'fortran_order': True, 'shape': (2, 2), }", payload: 16)
        #expect(throws: NumPyError.fortranOrder(path: "(memory)")) { try NumPyFile.decode(fortran) }
        let complex = Self.npy("{'descr': '<c8', 'fortran_order': False, 'shape': (1,), }", payload: 8)
        #expect(throws: NumPyError.unsupportedType(path: "(memory)", descr: "<c8")) { try NumPyFile.decode(complex) }
        #expect("\(NumPyError.fortranOrder(path: "a.npy"))" == "a.npy: the array is stored in Fortran order; save it with np.save(path, np.ascontiguousarray(a))")
    }

    static func npy(_ header: String, payload: Int) -> [UInt8] {
        let text = Array((header + "\n").utf8)
        return NumPyFile.magic + [1, 0, UInt8(text.count), 0] + text + [UInt8](repeating: 0, count: payload)
    }
}
