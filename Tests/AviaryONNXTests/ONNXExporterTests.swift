@testable import AviaryONNX
import AviaryNN
import Foundation
import Testing

/// Exported models, read back by the importer, compute what the module computes.
@Suite struct ONNXExporterTests {
    /// Random running statistics and affine terms, so batch norm is not the identity it starts as.
    static func randomizeNorms(_ module: any Module, seed: UInt64) {
        var rng = PCG32(seed: seed)
        for (name, buffer) in module.namedBuffers() where name.hasSuffix("running_mean") || name.hasSuffix("running_var") {
            let isVariance = name.hasSuffix("running_var")
            buffer.value = try! Tensor(shape: buffer.value.shape, scalars: buffer.value.scalars.map { _ in
                isVariance ? 0.5 + rng.nextFloat() : rng.nextNormal() * 0.2 })
        }
        for (name, parameter) in module.namedParameters() where parameter.value.rank == 1 && !name.hasPrefix("fc") && !name.hasPrefix("classifier") {
            parameter.value = try! Tensor(shape: parameter.value.shape, scalars: parameter.value.scalars.map { $0 + rng.nextNormal() * 0.1 })
        }
    }

    static func input(_ shape: [Int], seed: UInt64) -> [Float] {
        var rng = PCG32(seed: seed)
        return (0..<shape.reduce(1, *)).map { _ in rng.nextNormal() }
    }

    /// Exports `module`, imports the bytes, runs both on one input; returns the largest difference.
    static func roundTrip(_ module: any Module, shape: [Int]) throws -> (difference: Float, outputShape: [Int]) {
        module.eval()
        let x = input(shape, seed: 7)
        let expected = try GradientMode.withoutGradients { try module(Variable(try Tensor(shape: shape, scalars: x))) }
        let data = try ONNXExporter.export(module, inputShape: shape, inputName: "image", outputName: "logits")
        let graph = try ONNXGraph(try Onnx_ModelProto(serializedBytes: data))
        #expect(graph.inputNames == ["image"] && graph.outputNames == ["logits"])
        let outputs = try graph.run(["image": try HostArray(shape: shape, values: x)])
        guard case .variable(let actual)? = outputs["logits"] else { throw ONNXExportError.unsupportedModule(path: "logits", type: "missing output") }
        #expect(actual.shape == expected.shape)
        let difference = zip(actual.value.scalars, expected.value.scalars).map { abs($0 - $1) }.max() ?? .infinity
        return (difference, actual.shape)
    }

    @Test func smallCNNRoundTripsThroughONNX() throws {
        let model = try SmallCNN(inChannels: 1, classes: 10, width: 8, seed: 3)
        Self.randomizeNorms(model, seed: 11)
        let result = try Self.roundTrip(model, shape: [2, 1, 28, 28])
        #expect(result.outputShape == [2, 10])
        #expect(result.difference <= 1e-4)
    }

    @Test func resNetRoundTripsThroughONNX() throws {
        let model = try ResNet(blocks: [1, 1], widths: [8, 16], classes: 5, seed: 4)
        Self.randomizeNorms(model, seed: 12)
        let result = try Self.roundTrip(model, shape: [2, 3, 32, 32])
        #expect(result.outputShape == [2, 5])
        #expect(result.difference <= 1e-4)
    }

    @Test func mobileNetsRoundTripThroughONNX() throws {
        let mobileNet = try MobileNetV2(classes: 6, seed: 5)
        Self.randomizeNorms(mobileNet, seed: 13)
        let lite0 = try EfficientNetLite0(classes: 6, seed: 6)
        Self.randomizeNorms(lite0, seed: 14)
        for model in [mobileNet, lite0] as [any Module] {
            let result = try Self.roundTrip(model, shape: [1, 3, 32, 32])
            #expect(result.outputShape == [1, 6])
            #expect(result.difference <= 1e-4, "\(type(of: model))")
        }
    }

    /// The graph declares a symbolic batch, initializers carry state-dict names, opset 13.
    @Test func graphHasDynamicBatchAndStateDictNames() throws {
        let model = try SmallCNN(inChannels: 3, classes: 4, width: 4, seed: 1)
        let proto = try ONNXExporter.model(model, inputShape: [1, 3, 16, 16])
        #expect(proto.opsetImport.map(\.version) == [13])
        #expect(proto.graph.input.map { $0.type.tensorType.shape.dim.first?.dimParam } == ["N"])
        #expect(proto.graph.output.map { $0.type.tensorType.shape.dim.map(\.dimValue) } == [[0, 4]])
        #expect(proto.graph.output.map { $0.type.tensorType.shape.dim[0].dimParam } == ["N"])
        #expect(proto.graph.initializer.map(\.name).prefix(5) == ["features.0.weight", "features.1.weight", "features.1.bias",
                                                                   "features.1.running_mean", "features.1.running_var"])
        #expect(proto.graph.node.map(\.opType).prefix(4) == ["Conv", "BatchNormalization", "Relu", "MaxPool"])
        #expect(proto.graph.node.last?.opType == "Gemm" && proto.graph.node.last?.output == ["logits"])
    }

    /// Every activation survives the trip, including those opset 13 spells as two nodes.
    @Test func activationsRoundTrip() throws {
        var rng = PCG32(seed: 5)
        for kind in [Activation.relu, .relu6, .hardSwish, .hardSigmoid, .sigmoid, .silu] {
            let model = Sequential([try Conv2d(2, 3, kernel: 3, padding: .same, rng: &rng), ActivationLayer(kind),
                                    AvgPool2d(kernel: 2, stride: 2, padding: 1), GlobalAvgPool2d(), Flatten(), Dropout(0.5), Linear(3, 2, rng: &rng)])
            let result = try Self.roundTrip(model, shape: [3, 2, 7, 7])
            #expect(result.difference <= 1e-5, "\(kind)")
        }
    }

    /// A model that passes its input through still has a node producing the named output.
    @Test func passThroughModelGetsAnIdentityNode() throws {
        let proto = try ONNXExporter.model(Sequential([Dropout(0.1), Identity()]), inputShape: [1, 5], inputName: "x", outputName: "y")
        #expect(proto.graph.node.map(\.opType) == ["Identity"])
        #expect(proto.graph.node.first?.input == ["x"] && proto.graph.node.first?.output == ["y"])
    }

    /// A module the exporter does not know is an error naming its path and type.
    @Test func unknownModuleIsNamed() throws {
        final class Custom: Module {
            var isTraining = false
            func forward(_ input: Variable) throws -> Variable { input }
        }
        let model = Sequential([Flatten(), Sequential([Identity(), Custom()])])
        #expect(throws: ONNXExportError.unsupportedModule(path: "1.1", type: "Custom")) {
            try ONNXExporter.model(model, inputShape: [1, 4])
        }
        let cnn = try SmallCNN(inChannels: 3, classes: 2, width: 4)
        #expect(throws: ONNXExportError.self) { try ONNXExporter.model(cnn, inputShape: [1, 1, 8, 8]) }
    }
}
