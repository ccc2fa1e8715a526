import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

/// The train, evaluate and transform steps drive the engine on real Fashion-MNIST images: split → train
/// → evaluate and transform → condition → register, then the same pipeline again, all from the cache.
@Suite(.serialized) struct TrainStepTests {
    /// Trousers and bags, `perClass` of each, imported as the dataset `clothes`.
    static func clothes(_ fixture: PipelineFixture, perClass: Int = 24) async throws {
        let root = "/usr/share/datasets/fashion-mnist/"
        let images = try IDXFile(contentsOfFile: root + "t10k-images-idx3-ubyte.gz")
        let labels = try IDXFile(contentsOfFile: root + "t10k-labels-idx1-ubyte.gz")
        let folder = TemporaryDirectory("clothes")
        var counts: [Int: Int] = [:]
        let names = [1: "Trouser", 8: "Bag"]
        for index in 0..<images.count {
            let label = Int(labels.data[index])
            guard let name = names[label], counts[label, default: 0] < perClass else { continue }
            counts[label, default: 0] += 1
            _ = try folder.write("\(name)/\(index).png", Data(try ImageDecoder().encodePNG(images.image(at: index))))
        }
        _ = try await DatasetImporter(catalog: DatasetCatalog(project: fixture.project))
            .run(try ImageFolderSource(root: folder.url).listing(), dataset: "clothes")
    }

    static let pipeline = """
        parameters:
          threshold: 0.5
        steps:
          split: {kind: split, dataset: clothes, fractions: {train: 0.5, validation: 0.25, test: 0.25}, seed: 1}
          train:
            kind: train
            dataset: ${steps.split.outputs.train}
            validation: ${steps.split.outputs.validation}
            mode: scratch
            epochs: 2
            batch_size: 12
            image_size: 28
            learning_rate: 0.003
            seed: 3
          evaluate: {kind: evaluate, model: "${steps.train.outputs.model}", dataset: "${steps.split.outputs.test}", top_k: 1}
          predict: {kind: transform, model: "${steps.train.outputs.model}", dataset: "${steps.split.outputs.test}"}
          check: {kind: condition, if: "steps.evaluate.outputs.accuracy >= params.threshold", then: [register]}
          register: {kind: register, group: clothes, model: "${steps.train.outputs.model}", metrics: "${steps.evaluate.outputs}",
                     dataset: "${steps.split.outputs.train}"}
        """

    @Test func trainsRegistersAndIsCachedTheSecondTime() async throws {
        let fixture = try PipelineFixture()
        try await Self.clothes(fixture)
        let run = try await fixture.run(Self.pipeline, id: "fit")
        #expect(run.status == .succeeded, "\(run.message ?? "")")
        let steps = try await fixture.steps(run)
        let train = try #require(steps["train"])
        #expect(train.outputs["epochs"] == .int(2))
        #expect(train.outputs["training_run"] == .string("fit-train"))
        let accuracy = try #require(train.outputs["accuracy"]?.doubleValue)
        #expect(accuracy == train.outputs["validation_accuracy"]?.doubleValue)
        #expect(accuracy >= 0.5, "trousers and bags are easy to tell apart")
        let log = String(decoding: try fixture.project.blobs.data(try #require(train.log)), as: UTF8.self)
        #expect(log.hasPrefix("epoch 1: train loss "))

        // The evaluate step scores the trained model on the test split, as `aviary evaluate --model` does.
        let evaluate = try #require(steps["evaluate"])
        let tested = try #require(evaluate.outputs["accuracy"]?.doubleValue)
        #expect(evaluate.outputs["images"] == .int(12))
        #expect(evaluate.outputs["left_out"] == .int(0))
        #expect(tested >= 0.5, "trousers and bags are easy to tell apart")
        let reportFolder = TemporaryDirectory()
        try FolderArchive.extract(try BlobID(parsing: try #require(evaluate.outputs["report"]?.stringValue)), from: fixture.project.blobs, to: reportFolder.url)
        let report = try JSONDecoder().decode(ClassificationReport.self, from: Data(contentsOf: reportFolder.file("report.json")))
        #expect(report.accuracy == tested)
        #expect(report.classes == ["Bag", "Trouser"])

        // The transform step's predictions are a file `aviary evaluate --predictions` reads, and score the same.
        let predict = try #require(steps["predict"])
        #expect(predict.outputs["images"] == .int(12))
        #expect(predict.outputs["left_out"] == .int(0))
        let predictions = try fixture.directory.write("predictions.jsonl", try fixture.project.blobs.data(
            try BlobID(parsing: try #require(predict.outputs["predictions"]?.stringValue))))
        let read = try PredictionsFile.read(predictions)
        #expect(read.classes == ["Bag", "Trouser"])
        #expect(read.probabilities.count == 12)
        let test = try await DatasetCatalog(project: fixture.project).resolve(try #require(steps["split"]?.outputs["test"]?.stringValue))
        let rescored = try ModelEvaluation(manifest: try DatasetCatalog(project: fixture.project).manifest(of: test),
                                           classes: read.classes, probabilities: read.probabilities)
        #expect(abs(rescored.report.accuracy - tested) < 1e-9)

        let version = try await ModelRegistry(metadata: fixture.project.metadata).version("clothes", 1)
        #expect(version.artifact?.description == train.outputs["model"]?.stringValue)
        #expect(version.lineage.pipelineRun == "fit")
        #expect(version.metrics["accuracy"] == tested)
        #expect(version.metrics["images"] == 12)
        let trainingRuns = try await TrainingJob(project: fixture.project).runs()
        #expect(trainingRuns.map(\.id) == ["fit-train"])
        #expect(trainingRuns[0].configuration.epochs == 2)

        let again = try await fixture.run(Self.pipeline, id: "again")
        #expect(try await fixture.steps(again).values.map(\.status).allSatisfy { $0 == .cached })
        #expect(try await TrainingJob(project: fixture.project).runs().count == 1)
    }

    @Test func badTrainingSettingsFailTheStepAsInput() async throws {
        let fixture = try PipelineFixture()
        try await Self.clothes(fixture, perClass: 4)
        let text = "steps:\n  train: {kind: train, dataset: clothes, mode: scratch, architecture: resnet18}\n"
        let run = try await fixture.run(text, id: "bad")
        let step = try #require(try await fixture.steps(run)["train"])
        #expect(step.errorClass == .input)
        #expect(step.error == "training setting --architecture: scratch mode trains small-cnn; use finetune for resnet18")
    }
}
