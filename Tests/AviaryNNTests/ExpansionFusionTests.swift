import AviaryNN
@testable import AviaryTensor
import Testing

/// MobileNetV2's and EfficientNet-Lite0's expansion and depthwise layers run as one oneDNN kernel
/// in eval mode (`expandThenDepthwise`, `DNNLPointwiseDepthwise`), and the models' outputs stay
/// those of the unfused eval pass.
@Suite struct ExpansionFusionTests {
    @Test func expansionsFuseAndTheOutputHolds() throws {
        var rng = PCG32(seed: 12)
        // 112 px: the second block expands 16 → 96 channels over 56×56, a size oneDNN fuses.
        let x = Variable(Tensor.normal([2, 3, 112, 112], using: &rng))
        let models: [(any Module, padding: Int)] = [(try EfficientNetLite0(classes: 4, seed: 3), 0), (try MobileNetV2(classes: 4, seed: 3), 1)]
        for (model, padding) in models {
            model.train()
            _ = try model(x)
            model.eval()
            // Every layer runs blocked, as on large batches, so the pairs qualify.
            let (unfused, fused) = try DNNLKernels.$blockedFromPixels.withValue(0) {
                (try model(x).value, try GradientMode.withoutGradients { try model(x) }.value)
            }
            #expect(fused.isClose(to: unfused, atol: 1e-4, rtol: 1e-3), "\(type(of: model)) max diff \(fused.maxAbsDifference(unfused))")
            // TensorFlow's SAME pads nothing before at stride 2 (EfficientNet), PyTorch's one pixel.
            let built = DNNLKernels.shared.lock.withLock {
                DNNLKernels.shared.pointwiseDepthwisePrimitives.keys.contains {
                    $0.input == [2, 16, 56, 56] && $0.pointwiseWeight == [96, 16, 1, 1] && $0.depthwise.strideH == 2 && $0.depthwise.padTop == padding
                }
            }
            #expect(built, "\(type(of: model)): no fused primitive for the 16 → 96 expansion")
        }
    }
}
