@testable import AviaryONNX
import Foundation
import Testing

@Suite struct TorchCheckpointTests {
    /// Both layouts torch.save has used hold the same state dict and must read the same.
    @Test(arguments: ["state_zip", "state_legacy"]) func readsEveryTensor(_ file: String) throws {
        let checkpoint = try TorchCheckpoint.load(Fixture.url("pth/\(file).pth"))
        #expect(checkpoint.format == (file == "state_zip" ? .zip : .legacy))
        #expect(checkpoint.names == ["conv.weight", "conv.bias", "bn.running_mean", "bn.num_batches_tracked", "half", "mask",
                                     "shared.first", "shared.second", "transposed", "empty", "head.weight"])
        #expect(checkpoint.skipped == ["head.epoch", "note"])
        let conv = try #require(checkpoint["conv.weight"])
        #expect(conv.shape == [2, 1, 3, 3])
        #expect(try conv.values(as: Float.self) == (0..<18).map { (Float($0) - 9) / 10 })
        #expect(try checkpoint["conv.bias"]?.values(as: Float.self) == [0.5, -0.5])
        #expect(try checkpoint["bn.running_mean"]?.values(as: Double.self) == [0.25, -0.75])
        #expect(checkpoint["bn.num_batches_tracked"]?.shape == [])
        #expect(try checkpoint["bn.num_batches_tracked"]?.values(as: Int64.self) == [7])
        #expect(checkpoint["half"]?.floats() == [1, -2, 0.5])
        #expect(try checkpoint["mask"]?.values(as: Bool.self) == [true, false, true])
        // Views into one storage, at offsets 0 and 6.
        #expect(try checkpoint["shared.first"]?.values(as: Float.self) == [0, 1, 2, 3, 4, 5])
        #expect(checkpoint["shared.second"]?.shape == [3, 4])
        #expect(try checkpoint["shared.second"]?.values(as: Float.self) == (6..<18).map(Float.init))
        // A transposed view: shape [3, 2], strides [1, 3].
        #expect(checkpoint["transposed"]?.shape == [3, 2])
        #expect(try checkpoint["transposed"]?.values(as: Int32.self) == [0, 3, 1, 4, 2, 5])
        #expect(checkpoint["empty"]?.shape == [0, 3])
        #expect(try checkpoint["head.weight"]?.values(as: Float.self) == [1, 2])
    }

    @Test func parametersAreTheirData() throws {
        let checkpoint = try TorchCheckpoint.load(Fixture.url("pth/parameter_zip.pth"))
        #expect(try checkpoint["p"]?.values(as: Float.self) == [1, 2])
    }

    @Test func notAStateDict() throws {
        let bare = Fixture.url("pth/bare_tensor.pth")
        #expect(throws: TorchCheckpointError.notACheckpoint(path: bare.path, reason: "it holds a tensor, not a state dict; save model.state_dict()")) {
            try TorchCheckpoint.load(bare)
        }
        #expect(throws: TorchCheckpointError.notACheckpoint(path: "(memory)", reason: "neither a zip archive nor a pickle")) {
            try TorchCheckpoint.decode(Array("plain text".utf8))
        }
    }

    /// Cutting the file anywhere gives an error, never a crash.
    @Test(arguments: ["state_zip", "state_legacy"]) func truncatedFilesFailCleanly(_ file: String) throws {
        let bytes = try [UInt8](Data(contentsOf: Fixture.url("pth/\(file).pth")))
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: TorchCheckpointError.self) { try TorchCheckpoint.decode(Array(bytes[0..<length])) }
        }
    }
}
