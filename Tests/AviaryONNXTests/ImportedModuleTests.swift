@testable import AviaryONNX
import AviaryNN
import Foundation
import Testing

/// An imported ONNX graph trained like a PyTorch module: Fixtures/imported/make_imported.py
/// exported a small CNN from PyTorch and recorded PyTorch's gradients, SGD losses and updated
/// weights, which the imported graph must reproduce.
@Suite struct ImportedModuleTests {
    static let onnx = Fixture.url("imported/small_cnn.onnx")

    static func module(outputs: [String]? = nil) throws -> ImportedModule {
        try ImportedModule(onnx: try Data(contentsOf: onnx), outputs: outputs)
    }

    static func reference() throws -> TorchCheckpoint { try TorchCheckpoint.load(Fixture.url("imported/reference.pth")) }

    static func batch(_ reference: TorchCheckpoint) throws -> (Variable, [Int]) {
        let x = try #require(reference["x"])
        let targets = try #require(reference["targets"]).floats().map { Int($0) }
        return (Variable(try Tensor(shape: x.shape, scalars: x.floats())), targets)
    }

    /// `steps` optimizer steps on one batch with the cross-entropy loss; the losses before each step.
    static func fit(_ model: any Module, _ x: Variable, _ targets: [Int], _ optimizer: any Optimizer, steps: Int = 3) throws -> [Float] {
        var losses: [Float] = []
        for _ in 0..<steps {
            optimizer.zeroGrad()
            let loss = try model(x).crossEntropy(targets: targets)
            try loss.backward()
            try optimizer.step()
            losses.append(loss.value.scalars[0])
        }
        return losses
    }

    /// |a − b| ≤ 1e-5 + 1e-4·|b| everywhere: Float32 sums in another order than PyTorch's.
    static func expectClose(_ actual: Tensor, _ expected: HostArray?, _ name: String, sourceLocation: SourceLocation = #_sourceLocation) {
        guard let expected else { Issue.record("no reference for \(name)", sourceLocation: sourceLocation); return }
        #expect(actual.shape == expected.shape, "\(name)", sourceLocation: sourceLocation)
        let worst = zip(actual.scalars, expected.floats()).map { abs($0 - $1) - 1e-4 * abs($1) }.max() ?? 0
        if ProcessInfo.processInfo.environment["AVIARY_PRINT_DIFFERENCES"] == "1" {
            print("\(name): max |difference| \(zip(actual.scalars, expected.floats()).map { abs($0 - $1) }.max() ?? 0)")
        }
        #expect(worst <= 1e-5, "\(name): off by \(worst) beyond the tolerance", sourceLocation: sourceLocation)
    }

    @Test func weightsBecomeNamedParametersAndStatisticsBuffers() throws {
        let module = try Self.module()
        #expect(module.namedParameters().map(\.0) == ["conv1.weight", "conv1.bias", "bn1.weight", "bn1.bias", "conv2.weight",
                                                      "bn2.weight", "bn2.bias", "fc.weight", "fc.bias"])
        #expect(module.namedBuffers().map(\.0) == ["bn1.running_mean", "bn1.running_var", "bn2.running_mean", "bn2.running_var"])
        #expect(module.parameters().allSatisfy { $0.requiresGrad })
        #expect(module.isTraining == false)
        // The state dict goes out and back in by name; a changed weight changes the output.
        let (x, _) = try Self.batch(try Self.reference())
        let before = try module(x).value
        var state = module.stateDict()
        let index = try #require(state.entries.firstIndex { $0.name == "fc.bias" })
        state.entries[index].tensor = Tensor(shape: [3], repeating: 1)
        try module.load(stateDict: state)
        let after = try module(x).value
        #expect(module.namedParameters().last!.1.value.scalars == [1, 1, 1])
        #expect(before.scalars != after.scalars)
    }

    @Test func evalModeComputesWhatTheGraphComputes() throws {
        let module = try Self.module()
        let graph = try ONNXGraph(try ONNXModelFile.load(Self.onnx))
        let (x, _) = try Self.batch(try Self.reference())
        let expected = try graph.run(["input": try HostArray(shape: x.shape, values: x.value.scalars)])
        guard case .variable(let y)? = expected["logits"] else { Issue.record("no logits"); return }
        #expect(try module(x).value.scalars == y.value.scalars)
    }

    @Test func trainingGradientsMatchPyTorch() throws {
        let reference = try Self.reference()
        let module = try Self.module()
        module.train()
        let (x, targets) = try Self.batch(reference)
        try module(x).crossEntropy(targets: targets).backward()
        for (name, parameter) in module.namedParameters() {
            Self.expectClose(try #require(parameter.grad, "\(name) has no gradient"), reference["grad.\(name)"], "grad.\(name)")
        }
    }

    @Test func sgdStepsMatchPyTorchLossesWeightsAndRunningStatistics() throws {
        let reference = try Self.reference()
        let module = try Self.module()
        module.train()
        let (x, targets) = try Self.batch(reference)
        let optimizer = SGD(module.parameters(), learningRate: 0.1, momentum: 0.9)
        let losses = try Self.fit(module, x, targets, optimizer)
        Self.expectClose(try Tensor(shape: [3], scalars: losses), reference["sgd_loss"], "sgd_loss")
        for (name, tensor) in module.stateDict().entries {
            Self.expectClose(tensor, reference["after.\(name)"], "after.\(name)")
        }
    }

    @Test func adamWStepsMatchPyTorch() throws {
        let reference = try Self.reference()
        let module = try Self.module()
        module.train()
        let (x, targets) = try Self.batch(reference)
        let losses = try Self.fit(module, x, targets, AdamW(module.parameters(), learningRate: 0.01, weightDecay: 0.01))
        Self.expectClose(try Tensor(shape: [3], scalars: losses), reference["adamw_loss"], "adamw_loss")
        // conv1.bias feeds batch norm in training mode, whose batch mean cancels it: its gradient is
        // rounding noise (about 1e-9), which Adam scales up to steps of ±lr in either framework.
        for (name, parameter) in module.namedParameters() where name != "conv1.bias" {
            Self.expectClose(parameter.value, reference["adamw_after.\(name)"], "adamw_after.\(name)")
        }
    }

    @Test func frozenBackboneKeepsItsWeightsWhileTheHeadTrains() throws {
        let reference = try Self.reference()
        let module = try Self.module()
        module.train()
        let (x, targets) = try Self.batch(reference)
        let backbone = module.namedParameters().filter { !$0.0.hasPrefix("fc.") }
        for (_, parameter) in backbone { parameter.requiresGrad = false }
        let frozenValues = backbone.map(\.1.value.scalars)
        let optimizer = SGD([ParameterGroup(module.namedParameters().filter { $0.0.hasPrefix("fc.") }.map(\.1))], learningRate: 0.1, momentum: 0.9)
        let losses = try Self.fit(module, x, targets, optimizer)
        Self.expectClose(try Tensor(shape: [3], scalars: losses), reference["frozen_loss"], "frozen_loss")
        #expect(backbone.map(\.1.value.scalars) == frozenValues)
        #expect(backbone.allSatisfy { $0.1.grad == nil })
        Self.expectClose(module.namedParameters().first { $0.0 == "fc.weight" }!.1.value, reference["frozen_after.fc.weight"], "fc.weight")
    }

    @Test func cutAtFeaturesKeepsOnlyTheNodesTheyNeed() throws {
        let module = try Self.module(outputs: ["features"])
        #expect(module.outputNames == ["features"])
        #expect(!module.namedParameters().contains { $0.0.hasPrefix("fc.") })
        #expect(module.steps.map(\.node.opType).last == "Flatten")
        let (x, _) = try Self.batch(try Self.reference())
        #expect(try module(x).shape == [4, 6])
        #expect(throws: ImportedModuleError.self) { try Self.module(outputs: ["no such value"]) }
        do {
            _ = try Self.module(outputs: ["no such value"])
        } catch let error as ImportedModuleError {
            guard case .unknownValue(_, let candidates) = error else { Issue.record("\(error)"); return }
            #expect(candidates.contains("features"))
            #expect("\(error)".contains("features"))
        }
    }

    /// The conformance operators' graph (Resize, Pad, ConvTranspose, Transpose, MatMul, Div): the
    /// ConvTranspose kernel is the only parameter (Resize's scales and Pad's pads stay constants),
    /// and its gradient agrees with central differences (reference kernels, atol = rtol = 1e-2).
    @Test func convTransposeKernelTrainsThroughResizeAndPad() throws {
        let module = try ImportedModule(try ImportedGradientTests.model())
        #expect(module.namedParameters().map(\.0) == ["w"])
        let kernel = module.namedParameters()[0].1
        var rng = PCG32(seed: 9)
        let x = Variable(Tensor.normal([1, 2, 3, 3], using: &rng))
        let weights = Tensor.uniform([1, 2, 3, 3], low: -1, high: 1, using: &rng)
        func objective() throws -> Double {
            zip(try module(x).value.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }
        }
        try Engine.$kernels.withValue(ReferenceKernels()) {
            try module(x).backward(seed: weights)
            let analytic = try #require(kernel.grad)
            let eps: Float = 1e-2
            for element in 0..<kernel.value.count {
                let original = kernel.value
                kernel.value.scalars[element] += eps
                let plus = try objective()
                kernel.value.scalars[element] -= 2 * eps
                let minus = try objective()
                kernel.value = original
                let numeric = Float((plus - minus) / Double(2 * eps))
                #expect(abs(analytic.scalars[element] - numeric) <= 1e-2 + 1e-2 * abs(numeric), "w[\(element)]: \(analytic.scalars[element]) vs \(numeric)")
            }
        }
    }

    /// Round trip through our own exporter: a tiny ResNet written to ONNX and imported trains as
    /// the engine's ResNet does — same names, same loss, gradients and running statistics.
    @Test func importedResNetExportTrainsLikeTheEngineModel() throws {
        let (model, shape) = try ONNXExportRuntimeTests.model("resnet_tiny")
        let module = try ImportedModule(onnx: try Data(contentsOf: Fixture.url("export/resnet_tiny.onnx")))
        #expect(module.namedParameters().map(\.0) == model.namedParameters().map(\.0))
        #expect(module.namedBuffers().map(\.0) == model.namedBuffers().map(\.0).filter { !$0.hasSuffix("num_batches_tracked") })
        var rng = PCG32(seed: 5)
        let x = Variable(Tensor.normal(shape, using: &rng))
        model.train()
        module.train()
        let expected = try model(x).crossEntropy(targets: [0, 2])
        let actual = try module(x).crossEntropy(targets: [0, 2])
        #expect(abs(actual.value.scalars[0] - expected.value.scalars[0]) <= 1e-5)
        try expected.backward()
        try actual.backward()
        for ((name, mine), (_, theirs)) in zip(module.namedParameters(), model.namedParameters()) {
            Self.expectClose(try #require(mine.grad, "\(name)"), try HostArray(shape: theirs.shape, values: theirs.grad!.scalars), "grad.\(name)")
        }
        let statistics = Dictionary(uniqueKeysWithValues: model.namedBuffers().map { ($0.0, $0.1.value) })
        for (name, buffer) in module.namedBuffers() {
            Self.expectClose(buffer.value, try HostArray(shape: buffer.value.shape, values: statistics[name]!.scalars), name)
        }
    }

    @Test func badInputsAreClearErrors() throws {
        let module = try Self.module()
        #expect(throws: ImportedModuleError.missingInput(name: "input", expected: ["input"])) { try module.run(["image": Variable(Tensor(zeros: [1, 3, 8, 8]))]) }
        #expect(throws: ImportedModuleError.self) { try ImportedModule(onnx: Data("not a model".utf8)) }
        #expect(throws: ImportedModuleError.self) { try Self.module(outputs: []) }
        // A weight is not computed from the input, so it cannot be an output.
        #expect(throws: ImportedModuleError.noGraphInput(outputs: ["fc.weight"])) { try Self.module(outputs: ["fc.weight"]) }
        var builder = ONNXModelBuilder(graphName: "two", opset: 13)
        builder.addInput("a", .float32, shape: ["N", 2])
        builder.addInput("b", .float32, shape: ["N", 2])
        builder.addNode("Add", inputs: ["a", "b"], outputs: ["y"])
        builder.addOutput("y", .float32, shape: ["N", 2])
        let two = try ImportedModule(builder.build())
        #expect(throws: ImportedModuleError.inputCount(names: ["a", "b"])) { try two(Variable(Tensor(zeros: [1, 2]))) }
        let sum = try two.run(["a": Variable(Tensor(shape: [1, 2], repeating: 1)), "b": Variable(Tensor(shape: [1, 2], repeating: 2))])
        #expect(sum["y"]?.value.scalars == [3, 3])
    }

    /// Dropout is the identity in eval mode; in training a seeded mask of zeros and 1/(1 − p)
    /// scales, through which the gradient flows.
    @Test func dropoutIsActiveOnlyInTraining() throws {
        var builder = ONNXModelBuilder(graphName: "dropout", opset: 13)
        builder.addInput("x", .float32, shape: ["N", 64])
        builder.addInitializer("ratio", try HostArray(shape: [], values: [Float(0.25)]))
        // As PyTorch exports in training mode: training_mode true; the module's mode still decides.
        builder.addInitializer("training_mode", try HostArray(shape: [], values: [true]))
        builder.addNode("Dropout", inputs: ["x", "ratio", "training_mode"], outputs: ["y"])
        builder.addOutput("y", .float32, shape: ["N", 64])
        let module = try ImportedModule(builder.build(), seed: 3)
        let x = Variable(Tensor(shape: [2, 64], repeating: 1), requiresGrad: true)
        #expect(try module(x).value.scalars == x.value.scalars)
        module.train()
        let y = try module(x)
        let kept = y.value.scalars.filter { $0 != 0 }
        #expect(Set(kept) == [Float(1) / 0.75])
        #expect((60...110).contains(kept.count))
        try y.sum().backward()
        #expect(x.grad?.scalars == y.value.scalars)
        // Exported in inference form: the training_mode input is left out.
        let exported = try Onnx_ModelProto(serializedBytes: try module.exportONNX(inputShape: [1, 64]))
        #expect(exported.graph.node.map(\.input) == [["x", "ratio"]])
    }
}
