import AviaryNN
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

@testable import AviaryCore

/// Real Fashion-MNIST images (Debian's dataset-fashion-mnist), stored as PNG blobs and trained on.
@Suite struct ClassifierTrainerTests {
    struct Data2 {
        let directory = TemporaryDirectory("train")
        let blobs: FileSystemBlobStore
        let train: DatasetImageSource
        let validation: DatasetImageSource

        /// Trousers (1) and bags (8): the first `perClass` of each for training, the next 12 for validation.
        init(perClass: Int = 40) throws {
            blobs = try FileSystemBlobStore(root: directory.url.appendingPathComponent("blobs"))
            let root = "/usr/share/datasets/fashion-mnist/"
            let images = try IDXFile(contentsOfFile: root + "t10k-images-idx3-ubyte.gz")
            let labels = try IDXFile(contentsOfFile: root + "t10k-labels-idx1-ubyte.gz")
            var picked: [Int: [BlobID]] = [1: [], 8: []]
            let encoder = ImageDecoder()
            for index in 0..<images.count where picked[Int(labels.data[index])].map({ $0.count < perClass + 12 }) ?? false {
                let png = Data(try encoder.encodePNG(images.image(at: index)))
                picked[Int(labels.data[index])]!.append(try blobs.put(png).id)
            }
            let store = blobs, trousers = picked[1]!, bags = picked[8]!
            func source(_ range: Range<Int>) -> DatasetImageSource {
                DatasetImageSource(blobs: store, images: Array(trousers[range]) + Array(bags[range]),
                                   labels: Array(repeating: 0, count: range.count) + Array(repeating: 1, count: range.count))
            }
            train = source(0..<perClass)
            validation = source(perClass..<(perClass + 12))
        }

        func trainer(_ configuration: TrainingConfiguration, run: String) -> ClassifierTrainer {
            ClassifierTrainer(configuration: configuration, classes: ["Trouser", "Bag"], train: train, validation: validation,
                              directory: directory.url.appendingPathComponent(run))
        }
    }

    static let configuration = TrainingConfiguration(mode: .scratch, epochs: 3, batchSize: 16, learningRate: 3e-3, imageSize: 28, seed: 7)

    @Test func scratchTrainingLearnsRealImagesAndLogsEveryEpoch() throws {
        let data = try Data2()
        let trainer = data.trainer(Self.configuration, run: "r1")
        var lines: [String] = []
        trainer.onEpoch = { metrics, elapsed in lines.append(TrainingProgress.line(metrics, of: 3, elapsed: elapsed)) }
        let outcome = try trainer.run()
        #expect(outcome.history.map(\.epoch) == [1, 2, 3])
        #expect(outcome.history.allSatisfy { $0.images == 80 })
        #expect(try #require(outcome.history.last?.validationAccuracy) >= 0.9, "trousers and bags are easy to tell apart")
        #expect(lines.count == 3)
        let log = try String(contentsOf: trainer.directory.appendingPathComponent("metrics.jsonl"), encoding: .utf8)
        #expect(log.split(separator: "\n").count == 3)
        let files = try FileManager.default.contentsOfDirectory(atPath: trainer.directory.path).sorted()
        #expect(files.filter { $0.hasSuffix(".ckpt") }.count <= 2, "the last and the best checkpoint only")
        #expect(files.contains("state.json"))
    }

    /// The stop comes right after epoch 1's checkpoint and state are written, as a kill would.
    @Test func anInterruptedRunResumesToTheSameWeightsAsAnUnbrokenOne() throws {
        struct Interrupted: Error {}
        let data = try Data2(perClass: 16)
        let unbroken = try data.trainer(Self.configuration, run: "unbroken").run()
        let first = data.trainer(Self.configuration, run: "broken")
        first.onEpoch = { metrics, _ in if metrics.epoch == 1 { throw Interrupted() } }
        #expect(throws: Interrupted.self) { try first.run() }
        let resumed = try data.trainer(Self.configuration, run: "broken").run()
        #expect(resumed.history == unbroken.history.enumerated().map { index, metrics in
            var same = metrics
            same.seconds = resumed.history[index].seconds
            return same
        })
        let a = unbroken.model.stateDict().entries, b = resumed.model.stateDict().entries
        #expect(a.map(\.name) == b.map(\.name))
        #expect(zip(a, b).allSatisfy { $0.tensor == $1.tensor }, "bit-identical weights and buffers")
    }

    @Test func unusableDataAndSettingsAreRefusedWithTheReason() throws {
        let data = try Data2(perClass: 2)
        let single = ClassifierTrainer(configuration: Self.configuration, classes: ["Trouser"], train: data.train, validation: nil,
                                       directory: data.directory.url.appendingPathComponent("x"))
        #expect(throws: TrainingError.unusableData("a classifier needs at least two classes; the training data has 1 (Trouser)")) { try single.run() }
        var bad = Self.configuration
        bad.learningRate = -1
        #expect(throws: TrainingError.invalidConfiguration(field: "learning-rate", detail: "must be above 0 and below 10, not -1.0")) {
            try data.trainer(bad, run: "bad").run()
        }
        bad = TrainingConfiguration(mode: .scratch, architecture: "resnet18")
        #expect(throws: TrainingError.invalidConfiguration(field: "architecture", detail: "scratch mode trains small-cnn; use finetune for resnet18")) {
            try bad.validate()
        }
    }
}
