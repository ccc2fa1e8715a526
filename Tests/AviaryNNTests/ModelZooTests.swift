import AviaryNN
import Testing

@Suite struct ModelZooTests {
    @Test func resNet18MatchesTorchvisionStateDict() throws {
        #expect(try ResNet.resnet18().stateLines == Fixtures.names("resnet18"))
    }

    @Test func mobileNetV2MatchesTorchvisionStateDict() throws {
        #expect(try MobileNetV2().stateLines == Fixtures.names("mobilenet_v2"))
    }

    @Test func efficientNetLite0MatchesThePublishedWeights() throws {
        #expect(try EfficientNetLite0().stateLines == Fixtures.names("efficientnet_lite0"))
    }

    @Test func modelsRunForwardAtLowResolution() throws {
        var rng = PCG32(seed: 3)
        let x = Variable(Tensor.normal([2, 3, 64, 64], using: &rng))
        let models: [any Module] = [try ResNet.resnet18(classes: 7), try MobileNetV2(classes: 7), try EfficientNetLite0(classes: 7)]
        for model in models {
            model.eval()
            let y = try GradientMode.withoutGradients { try model(x) }
            #expect(y.shape == [2, 7])
            let finite = y.value.scalars.allSatisfy { $0.isFinite }
            #expect(finite)
        }
    }

    @Test func loadingRejectsMismatchedWeightsWithTheName() throws {
        let model = try ResNet(blocks: [1], widths: [4], classes: 3)
        var state = model.stateDict()
        state.entries.removeAll { $0.name == "fc.bias" }
        #expect(throws: ModuleError.missingState(name: "fc.bias")) { try model.load(stateDict: state) }
        let other = try ResNet(blocks: [1], widths: [4], classes: 5).stateDict()
        #expect(throws: ModuleError.stateShapeMismatch(name: "fc.weight", expected: [3, 4], found: [5, 4])) { try model.load(stateDict: other) }
        try model.load(stateDict: state, strict: false)
    }
}

@Suite struct FusedInferenceTests {
    /// Eval mode with gradients off folds batch norm into the convolution and fuses the activation;
    /// the result must equal the unfused eval pass (gradients on) on both backends.
    @Test(arguments: ["oneDNN", "reference"])
    func fusedEvalMatchesUnfusedEval(backend: String) throws {
        let kernels: any Kernels = backend == "oneDNN" ? DNNLKernels.shared : ReferenceKernels()
        try Engine.$kernels.withValue(kernels) {
            var rng = PCG32(seed: 8)
            let x = Variable(Tensor.normal([2, 3, 32, 32], using: &rng))
            let models: [any Module] = [try ResNet(blocks: [1, 1], widths: [8, 16], classes: 4, seed: 2), try EfficientNetLite0(classes: 4, seed: 2), try MobileNetV2(classes: 4, seed: 2)]
            for model in models {
                // Move the running statistics off their initial values so folding is exercised.
                model.train()
                _ = try model(x)
                model.eval()
                let unfused = try model(x).value
                let fused = try GradientMode.withoutGradients { try model(x) }.value
                #expect(fused.isClose(to: unfused, atol: 1e-4, rtol: 1e-3), "\(type(of: model)) max diff \(fused.maxAbsDifference(unfused))")
                // Folded and kernel-layout weights are cached: an in-place change must be seen.
                for (_, p) in model.namedParameters() { for i in 0..<p.value.count { p.value.scalars[i] *= 0.9 } }
                let changedUnfused = try model(x).value
                let changedFused = try GradientMode.withoutGradients { try model(x) }.value
                #expect(!changedFused.isClose(to: fused, atol: 1e-6, rtol: 0), "\(type(of: model)) ignored a weight change")
                #expect(changedFused.isClose(to: changedUnfused, atol: 1e-4, rtol: 1e-3), "\(type(of: model)) after a weight change, max diff \(changedFused.maxAbsDifference(changedUnfused))")
            }
        }
    }
}
