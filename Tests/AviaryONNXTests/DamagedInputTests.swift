@testable import AviaryONNX
import AviaryVision
import Foundation
import Testing

/// Damaged files give errors, never crashes: every reader is fed seeded random byte corruptions of
/// real fixtures (a light, repeatable fuzz run; each case is replayable from its seed).
@Suite struct DamagedInputTests {
    static func corruptions(of file: String, count: Int) throws -> [[UInt8]] {
        let original = try [UInt8](Data(contentsOf: Fixture.url(file)))
        var generator = SeededGenerator(seed: file.utf8.reduce(UInt64(17)) { $0 &* 31 &+ UInt64($1) })
        return (0..<count).map { _ in
            var bytes = original
            for _ in 0..<Int.random(in: 1...4, using: &generator) {
                let index = Int.random(in: 0..<bytes.count, using: &generator)
                // Small and large values: lengths, counts and opcodes are where readers go wrong.
                bytes[index] = [0, 0xFF, 0x7F, 0x80, UInt8.random(in: 0...255, using: &generator)].randomElement(using: &generator)!
            }
            return bytes
        }
    }

    @Test(arguments: ["pth/state_zip.pth", "pth/state_legacy.pth", "pth/parameter_zip.pth"])
    func checkpoints(_ file: String) throws {
        for bytes in try Self.corruptions(of: file, count: 400) { _ = try? TorchCheckpoint.decode(bytes) }
    }

    @Test(arguments: ["tensors/float32.npy", "tensors/int64.npy", "half/floats.npy"])
    func numpyFiles(_ file: String) throws {
        for bytes in try Self.corruptions(of: file, count: 400) { _ = try? NumPyFile.decode(bytes) }
    }

    @Test func modelsAndTensors() throws {
        for bytes in try Self.corruptions(of: "tiny.onnx", count: 300) {
            guard let model = try? Onnx_ModelProto(serializedBytes: Data(bytes)) else { continue }
            _ = ONNXModelSummary(model)
            for tensor in model.graph.initializer { _ = try? HostArray(tensor) }
        }
        for bytes in try Self.corruptions(of: "tensors/float16_typed.pb", count: 300) {
            guard let tensor = try? Onnx_TensorProto(serializedBytes: Data(bytes)) else { continue }
            _ = try? HostArray(tensor)
        }
    }
}
