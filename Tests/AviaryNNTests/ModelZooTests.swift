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
