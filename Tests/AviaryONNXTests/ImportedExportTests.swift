@testable import AviaryONNX
import AviaryNN
import Foundation
import Testing

/// Imported graphs written back to ONNX, alone or composed with engine layers. The files under
/// Fixtures/imported are what these tests write (AVIARY_WRITE_EXPORT_FIXTURES=1);
/// Fixtures/imported/check_imported_export.py passed them through onnx.checker (full check) and
/// recorded ONNX Runtime's outputs at another batch size than the export's, which the engine matches.
@Suite struct ImportedExportTests {
    static func backbone() throws -> ImportedBackbone {
        try ImportedBackbone(onnx: try Data(contentsOf: ImportedModuleTests.onnx), featureOutput: "features")
    }

    static func head(_ classes: Int, seed: UInt64) -> Linear {
        var rng = PCG32(seed: seed)
        return Linear(6, classes, rng: &rng)
    }

    /// The written file is the committed one, and the engine gives ONNX Runtime's answers on it.
    static func expectPinned(_ data: Data, _ name: String, engine: (Variable) throws -> Variable) throws {
        let file = Fixture.url("imported/\(name).onnx")
        if ProcessInfo.processInfo.environment["AVIARY_WRITE_EXPORT_FIXTURES"] == "1" { try data.write(to: file) }
        #expect(try Data(contentsOf: file) == data, "\(name).onnx is not what the exporter writes today; rerun with AVIARY_WRITE_EXPORT_FIXTURES=1 and check_imported_export.py")
        let x = try NumPyFile.read(Fixture.url("imported/\(name)_x.npy"))
        let expected = try NumPyFile.read(Fixture.url("imported/\(name)_y.npy"))
        #expect(x.shape[0] == 3)
        let y = try GradientMode.withoutGradients { try engine(Variable(try Tensor(shape: x.shape, scalars: x.floats()))) }
        let comparison = ArrayComparison(actual: try HostArray(shape: y.shape, values: y.value.scalars), expected: expected, rtol: 0, atol: 1e-4)
        print("\(name) against ONNX Runtime: \(comparison)")
        #expect(comparison.isClose, "\(name) against ONNX Runtime: \(comparison)")
    }

    @Test func backboneWithANewHeadExportsAsOneClassifier() throws {
        let backbone = try Self.backbone()
        let head = Self.head(5, seed: 31)
        let data = try backbone.exportClassifier(head: head, classes: ["a", "b", "c", "d", "e"], inputShape: [1, 3, 8, 8])
        let model = try Onnx_ModelProto(serializedBytes: data)
        #expect(model.graph.input.map(\.name) == ["input"])
        #expect(model.graph.output.map(\.name) == ["probabilities"])
        #expect(model.graph.input[0].type.tensorType.shape.dim.first?.dimParam == "N")
        #expect(model.opsetImport.map(\.version) == [13])
        #expect(model.metadataProps.map(\.key) == ["classes"] && model.metadataProps.first?.value == #"["a","b","c","d","e"]"#)
        #expect(model.graph.initializer.map(\.name).contains("backbone.conv1.weight"))
        #expect(model.graph.initializer.map(\.name).suffix(2) == ["head.weight", "head.bias"])
        #expect(!model.graph.node.contains { $0.opType == "Gemm" && $0.input.contains("fc.weight") })
        let classifier = ImportedClassifier(backbone: backbone, head: head)
        try Self.expectPinned(data, "classifier") { try classifier($0).softmax(axis: 1) }
    }

    /// Plain composition: an imported graph inside a Sequential with an engine layer.
    @Test func sequentialOfImportedGraphAndLinearExports() throws {
        let imported = try ImportedModule(onnx: try Data(contentsOf: ImportedModuleTests.onnx), outputs: ["features"])
        let model = Sequential([imported, Self.head(4, seed: 32)])
        let data = try ONNXExporter.export(model, inputShape: [1, 3, 8, 8])
        let proto = try Onnx_ModelProto(serializedBytes: data)
        #expect(proto.graph.initializer.map(\.name).prefix(2) == ["0.conv1.weight", "0.conv1.bias"])
        try Self.expectPinned(data, "sequential") { try model($0) }
    }

    /// Fine-tuned weights and running statistics go out under their ONNX names and come back.
    @Test func fineTunedGraphExportsWithItsNewWeights() throws {
        let reference = try ImportedModuleTests.reference()
        let module = try ImportedModuleTests.module()
        let (x, targets) = try ImportedModuleTests.batch(reference)
        module.train()
        let optimizer = SGD(module.parameters(), learningRate: 0.1, momentum: 0.9)
        _ = try ImportedModuleTests.fit(module, x, targets, optimizer, steps: 2)
        module.eval()
        let data = try module.exportONNX(inputShape: [1, 3, 8, 8])
        let reimported = try ImportedModule(onnx: data)
        #expect(reimported.inputNames == ["input"] && reimported.outputNames == ["logits"])
        #expect(reimported.stateDict().entries.map(\.name) == module.stateDict().entries.map(\.name))
        #expect(reimported.stateDict().entries.map(\.tensor) == module.stateDict().entries.map(\.tensor))
        #expect(try reimported(x).value.scalars == module(x).value.scalars)
    }

    /// PyTorch's training-mode export (batch norm with training_mode=1 and extra outputs, Dropout
    /// with training_mode true) computes in eval mode what the inference export computes, trains,
    /// and is written back in inference form.
    @Test func trainingModeExportTrainsAndWritesBackInInferenceForm() throws {
        let module = try ImportedModule(onnx: try Data(contentsOf: Fixture.url("imported/small_cnn_training.onnx")))
        #expect(module.opset == 15)
        #expect(module.namedParameters().map(\.0).suffix(2) == ["fc.1.weight", "fc.1.bias"])
        let (x, targets) = try ImportedModuleTests.batch(try ImportedModuleTests.reference())
        let inference = try ImportedModuleTests.module()(x).value
        let difference = zip(try module(x).value.scalars, inference.scalars).map { abs($0 - $1) }.max() ?? .infinity
        #expect(difference <= 1e-6)
        module.train()
        let statistics = module.namedBuffers().map(\.1.value)
        try module(x).crossEntropy(targets: targets).backward()
        #expect(module.parameters().allSatisfy { $0.grad != nil })
        #expect(module.namedBuffers().map(\.1.value) != statistics)
        module.eval()
        let data = try module.exportONNX(inputShape: [1, 3, 8, 8])
        let exported = try Onnx_ModelProto(serializedBytes: data)
        #expect(!exported.graph.node.contains { $0.attribute.contains { $0.name == "training_mode" } })
        #expect(exported.graph.node.filter { $0.opType == "BatchNormalization" }.allSatisfy { $0.output.count == 1 })
        #expect(exported.graph.node.first { $0.opType == "Dropout" }?.input.count == 2)
        #expect(try ImportedModule(exported)(x).value == module(x).value)
        if let folder = ProcessInfo.processInfo.environment["AVIARY_PADDLE_EXPORT_DIR"] {
            try data.write(to: URL(fileURLWithPath: folder).appendingPathComponent("training_mode_export.onnx"))
        }
    }

    /// Export keeps an imported graph's opset, so one older than the exporter's own nodes allow is refused.
    @Test func graphsBelowOpset11AreRefusedWithAHint() throws {
        var builder = ONNXModelBuilder(graphName: "old", opset: 9)
        builder.addInput("x", .float32, shape: ["N", 4])
        builder.addNode("Relu", inputs: ["x"], outputs: ["y"])
        builder.addOutput("y", .float32, shape: ["N", 4])
        let module = try ImportedModule(builder.build())
        #expect {
            try ONNXExporter.export(module, inputShape: [1, 4])
        } throws: { error in
            guard case .unsupportedSetting(_, _, let detail)? = error as? ONNXExportError else { return false }
            return detail.contains("opset 9") && detail.contains("version_converter")
        }
    }

    @Test func theClassifierInputIsFoundWithoutAName() throws {
        #expect(try ImportedBackbone(onnx: try Data(contentsOf: ImportedModuleTests.onnx)).featureOutput == "features")
        #expect(throws: ImportedModuleError.self) { try ImportedBackbone(onnx: Data([1, 2, 3])) }
    }

    @Test func frozenFeaturesRunInEvalModeWithoutTouchingStatistics() throws {
        let backbone = try Self.backbone()
        let (x, _) = try ImportedModuleTests.batch(try ImportedModuleTests.reference())
        let before = backbone.stateDict()
        let eval = try backbone.features(x).value
        backbone.train()
        // Frozen features run without gradients, so conv chains run fused: equal within rounding.
        #expect(try backbone.features(x.value).isClose(to: eval, atol: 1e-5, rtol: 1e-4))
        #expect(backbone.isTraining)
        #expect(backbone.stateDict() == before)
        #expect(try backbone.features(x).value != eval)
    }

    @Test func aHeadThatDoesNotFitIsRefused() throws {
        let backbone = try Self.backbone()
        #expect(throws: ImportedModuleError.self) {
            try backbone.exportClassifier(head: Self.head(5, seed: 1), classes: ["a", "b"], inputShape: [1, 3, 8, 8])
        }
        var rng = PCG32(seed: 2)
        #expect(throws: ImportedModuleError.self) {
            try backbone.exportClassifier(head: Linear(7, 2, rng: &rng), classes: ["a", "b"], inputShape: [1, 3, 8, 8])
        }
    }
}
