import AviaryCore
import AviaryNN
import AviarySpawn
import AviaryStore
import AviaryVision
import Foundation
import Synchronization

/// One side of the benchmark: its test accuracy and the seconds each phase took.
enum BenchRun {
    struct Result {
        var accuracy: Double
        var seconds: [String: Double]
    }

    static let classes = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]

    /// A fresh project whose blob store holds the first `perClass` training images of each class (in
    /// file order) and the first `testLimit` test images, as PNG: what `aviary data import` stores.
    static func load(_ options: BenchOptions, perClass: Int) throws -> (project: Project, train: DatasetImageSource, test: DatasetImageSource, folder: URL) {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("trainbench-\(UUID().uuidString)")
        _ = try Project.initialize(at: folder)
        let project = try Project.open(ProjectLayout(root: folder), environment: [:])
        // As `aviary data import` stores them: PNG-encoded on every core, written a batch at a time
        // with one disk flush per batch (DatasetImporter).
        func source(_ images: String, _ labels: String, limit: (Int) -> Bool) throws -> DatasetImageSource {
            let pixels = try IDXFile(contentsOfFile: "\(options.data)/\(images)")
            let classes = try IDXFile(contentsOfFile: "\(options.data)/\(labels)")
            let picked = (0..<pixels.count).filter { limit(Int(classes.data[$0])) }
            let encoded = try encodePNGs(picked.map { pixels.image(at: $0) })
            var ids: [BlobID] = []
            for start in stride(from: 0, to: encoded.count, by: 512) {
                let batch = encoded[start..<min(start + 512, encoded.count)].map { DataBlobSource($0) }
                ids += try project.blobs.put(batch: batch).map(\.id)
            }
            return DatasetImageSource(blobs: project.blobs, images: ids, labels: picked.map { Int(classes.data[$0]) })
        }
        var counts = [Int](repeating: 0, count: 10)
        let train = try source("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz") { label in
            counts[label] += 1
            return counts[label] <= perClass
        }
        var taken = 0
        let test = try source("t10k-images-idx3-ubyte.gz", "t10k-labels-idx1-ubyte.gz") { _ in
            taken += 1
            return taken <= options.testLimit
        }
        return (project, train, test, folder)
    }

    /// PNG files of `images`, in order, encoded on every core.
    static func encodePNGs(_ images: [Image]) throws -> [Data] {
        let lanes = max(1, ProcessInfo.processInfo.activeProcessorCount)
        let results = Mutex([Swift.Result<Data, any Error>?](repeating: nil, count: images.count))
        DispatchQueue.concurrentPerform(iterations: lanes) { lane in
            let encoder = ImageDecoder()
            for index in stride(from: lane, to: images.count, by: lanes) {
                let outcome = Swift.Result { Data(try encoder.encodePNG(images[index])) }
                results.withLock { $0[index] = outcome }
            }
        }
        let outcomes = results.withLock { $0 }
        return try outcomes.map { try $0!.get() }
    }

    static func trainer(_ configuration: TrainingConfiguration, train: DatasetImageSource, folder: URL, backbone: TrainingBackbone, workers: Int) -> ClassifierTrainer {
        let trainer = ClassifierTrainer(configuration: configuration, classes: classes, train: train, validation: nil,
                                        directory: folder.appendingPathComponent("run-\(configuration.mode.rawValue)"))
        trainer.backbone = backbone
        trainer.workers = workers
        return trainer
    }

    /// Test accuracy of the saved artifact's network: what `aviary evaluate --model` runs.
    static func test(_ model: any Module, trainer: ClassifierTrainer, project: Project, test: DatasetImageSource, options: BenchOptions) throws -> (Double, Double) {
        let started = Date()
        let (id, _) = try ClassifierArtifacts.save(model, architecture: trainer.configuration.architecture, classes: classes,
                                                   preprocessing: trainer.preprocessing, metrics: [:], lineage: .init(), blobs: project.blobs)
        let saved = Date().timeIntervalSince(started)
        let predictor = try ClassifierPredictor(artifact: try ModelArtifactStore(blobs: project.blobs).load(id), blobs: project.blobs)
        predictor.batchSize = options.featureBatch
        predictor.workers = options.workers
        let (probabilities, _) = try predictor.probabilities(test)
        let correct = probabilities.filter { index, row in row.indices.max { row[$0] < row[$1] } == test.labels[index] }.count
        return (Double(correct) / Double(test.count), saved)
    }

    static func head(_ options: BenchOptions) async throws -> Result {
        let began = Date()
        let (project, train, test, folder) = try load(options, perClass: options.perClass)
        defer { try? FileManager.default.removeItem(at: folder) }
        let backbone = try TrainingBackbone.efficientNetLite0(pth: URL(fileURLWithPath: options.weights))
        let configuration = TrainingConfiguration(mode: .head, epochs: options.epochs, imageSize: options.size, patience: 0,
                                                  backbone: "efficientnet-lite0", resize: .stretch)
        let trainer = trainer(configuration, train: train, folder: folder, backbone: backbone, workers: options.workers)
        let loaded = Date()
        let key = FeatureCacheKey(backbone: "\(backbone.name)@sha256:\(backbone.sha256)", preprocessing: trainer.preprocessing)
        var last = Date.distantPast
        let extraction = try await FeatureCache(metadata: project.metadata, blobs: project.blobs).features(
                of: train, key: key, pipeline: trainer.preprocessing.pipeline, batchSize: options.featureBatch, workers: options.workers,
                extractor: { try backbone.featureExtractor() }, progress: { progress in
                    guard Date().timeIntervalSince(last) > 10 || progress.done == progress.total else { return }
                    last = Date()
                    print("  aviary " + progress.line)
                })
        trainer.headFeatures = HeadFeatures(train: extraction.matrix, validation: nil)
        let extracted = Date()
        let outcome = try trainer.run()
        let trained = Date()
        let (accuracy, saving) = try Self.test(outcome.model, trainer: trainer, project: project, test: test, options: options)
        let done = Date()
        return Result(accuracy: accuracy, seconds: [
            "load": loaded.timeIntervalSince(began), "features": extracted.timeIntervalSince(loaded), "head": trained.timeIntervalSince(extracted),
            "save": saving, "test": done.timeIntervalSince(trained) - saving, "total": done.timeIntervalSince(began),
        ])
    }

    /// The whole pretrained network trained with `aviary train --mode finetune`'s defaults (see
    /// docs/training.md): augmentation, the backbone at a tenth of the fresh head's rate, frozen
    /// batch-norm statistics. The configuration's hyperparameters come back for the JSON line.
    static func finetune(_ options: BenchOptions) throws -> (Result, [String: String]) {
        let began = Date()
        let (project, train, test, folder) = try load(options, perClass: options.finetunePerClass)
        defer { try? FileManager.default.removeItem(at: folder) }
        let backbone = try TrainingBackbone.efficientNetLite0(pth: URL(fileURLWithPath: options.weights))
        let configuration = TrainingConfiguration(mode: .finetune, epochs: options.finetuneEpochs, learningRate: options.finetuneLearningRate,
                                                  augment: options.finetuneAugment, imageSize: options.size, patience: 0, backbone: "efficientnet-lite0",
                                                  resize: .stretch, batchNorm: options.finetuneBatchNorm, minimumCropScale: options.finetuneCropScale)
        let trainer = trainer(configuration, train: train, folder: folder, backbone: backbone, workers: options.workers)
        trainer.onEpoch = { metrics, elapsed in print("  aviary finetune " + TrainingProgress.line(metrics, of: options.finetuneEpochs, elapsed: elapsed)) }
        let outcome = try trainer.run()
        let (accuracy, _) = try Self.test(outcome.model, trainer: trainer, project: project, test: test, options: options)
        return (Result(accuracy: accuracy, seconds: ["total": Date().timeIntervalSince(began)]), configuration.hyperparameters)
    }

    /// torch_reference.py with the same protocol and head settings; its last line is JSON.
    static func torch(_ options: BenchOptions, padding: String) throws -> Result? {
        let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("torch_reference.py").path
        let arguments = [script, "--weights", options.weights, "--data", options.data, "--per-class", "\(options.perClass)",
                             "--test-limit", "\(options.testLimit)", "--size", "\(options.size)", "--epochs", "\(options.epochs)",
                             "--feature-batch", "\(options.featureBatch)", "--threads", "\(options.threads)", "--padding", padding]
        let process = try Spawner.spawn(executable: options.python, arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                        standardOutput: .pipe)
        let data = process.standardOutput!.readToEnd()
        let status = process.waitBlocking().status
        guard status == 0,
              let line = String(decoding: data, as: UTF8.self).split(separator: "\n").last,
              let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any],
              let accuracy = object["accuracy"] as? Double, let seconds = object["seconds"] as? [String: Double] else {
            print("PyTorch reference failed (status \(status)); is torch installed in \(options.python)?")
            return nil
        }
        return Result(accuracy: accuracy, seconds: seconds)
    }
}
