import AviaryCore
import AviarySpawn
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

/// `aviary train`, `predict` and `evaluate --model` on real Fashion-MNIST images in class folders.
@Suite(.serialized) struct TrainCommandsTests {
    /// `clothes/1` exports as an ONNX graph with a logits output and its class labels beside it.
    static func expectExportsClothes(in directory: TemporaryDirectory) async throws {
        // The ONNX graph alone, run by `aviary onnx run`, gives the logits `aviary predict` turned into its answers.
        let exported = try await AviaryProcess.run(["model", "export", "clothes/1", "--out", "clothes.onnx"], in: directory.url)
        #expect(exported.status == 0, "\(exported.standardError)")
        let inspected = try await AviaryProcess.run(["onnx", "inspect", "clothes.onnx", "--json"], in: directory.url)
        #expect(inspected.status == 0, "\(inspected.standardError)")
        #expect(inspected.standardOutput.contains("\"logits\""))
        let sidecar = try JSONSerialization.jsonObject(with: Data(contentsOf: directory.url.appendingPathComponent("clothes.json"))) as? [String: Any]
        #expect(sidecar?["classes"] as? [String] == ["Bag", "Trouser"])
    }

    /// A project holding `clothes`, split into train (2 × perClass) and validation versions, and a
    /// folder of four loose images to predict.
    static func project(perClass: Int = 30) async throws -> TemporaryDirectory {
        let directory = try await AviaryProcess.initializedProject()
        let root = "/usr/share/datasets/fashion-mnist/"
        let images = try IDXFile(contentsOfFile: root + "t10k-images-idx3-ubyte.gz")
        let labels = try IDXFile(contentsOfFile: root + "t10k-labels-idx1-ubyte.gz")
        var counts: [Int: Int] = [:]
        let names = [1: "Trouser", 8: "Bag"], wanted = perClass + perClass / 2
        for index in 0..<images.count {
            let label = Int(labels.data[index])
            guard let name = names[label], counts[label, default: 0] < wanted + 2 else { continue }
            counts[label, default: 0] += 1
            let png = Data(try ImageDecoder().encodePNG(images.image(at: index)))
            let folder = counts[label]! > wanted ? "loose" : "clothes/\(name)"
            _ = try directory.write("\(folder)/\(name.lowercased())-\(index).png", png)
        }
        for step in [["data", "import", "clothes", "--dataset", "clothes"],
                     ["data", "split", "clothes", "--train", "0.6", "--validation", "0.4", "--test", "0", "--seed", "1"]] {
            let result = try await AviaryProcess.run(step, in: directory.url)
            try #require(result.status == 0, "\(step): \(result.standardError)")
        }
        return directory
    }

    static let train = ["train", "clothes.train", "--validation", "clothes.validation", "--image-size", "28", "--batch-size", "16",
                        "--learning-rate", "0.003", "--seed", "3"]

    @Test func trainRegisterPredictAndEvaluate() async throws {
        let directory = try await Self.project()
        let trained = try await AviaryProcess.run(Self.train + ["--epochs", "3", "--name", "first", "--register", "clothes"], in: directory.url)
        #expect(trained.status == 0, "\(trained.standardError)")
        let lines = trained.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("epoch ") }.count == 3, "\(trained.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("registered as clothes/1") })
        let folder = directory.url.appendingPathComponent(".aviary/training/first")
        for file in ["loss.svg", "accuracy.svg", "metrics.jsonl", "state.json"] {
            #expect(FileManager.default.fileExists(atPath: folder.appendingPathComponent(file).path), "\(file)")
        }

        let loose = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("loose").path).sorted()
        #expect(loose.count == 4)
        _ = try directory.write("loose/broken.png", Data("not a png".utf8))
        let predicted = try await AviaryProcess.run(["predict", "clothes/1", "--json"] + (loose + ["broken.png"]).map { "loose/" + $0 }, in: directory.url)
        #expect(predicted.status == 65, "one image is broken")
        #expect(predicted.standardError.contains("loose/broken.png"))
        let answers = predicted.standardOutput.split(separator: "\n").map { try! JSONSerialization.jsonObject(with: Data($0.utf8)) as! [String: Any] }
        #expect(answers.count == 4)
        let correct = answers.filter { ($0["image"] as! String).contains(($0["label"] as! String).lowercased()) }.count
        #expect(correct >= 3, "\(answers.map { "\($0["image"]!) \($0["label"]!)" })")

        // The seeds' workflow with the real model: serialize → aviary.classify → filter, a Map over the images.
        let definition = PackagePaths.root.appendingPathComponent("examples/seeds-workflow/definition-model.json").path
        let paths = loose.map { "\"" + directory.url.appendingPathComponent("loose/" + $0).path + "\"" }.joined(separator: ", ")
        let flowed = try await AviaryProcess.run(["workflow", "run", definition, "--json", "--input",
                                                  #"{"images": [\#(paths)], "threshold": 0.5, "model": "clothes/1"}"#], in: directory.url)
        #expect(flowed.status == 0, "\(flowed.standardOutput) \(flowed.standardError)")
        let flow = try JSONSerialization.jsonObject(with: Data(flowed.standardOutput.utf8)) as? [String: Any] ?? [:]
        let result = flow["output"] as? [String: Any] ?? [:]
        let sorted = ((result["kept"] as? [[String: Any]]) ?? []) + ((result["dropped"] as? [[String: Any]]) ?? [])
        #expect(sorted.count == 4, "\(flowed.standardOutput)")
        #expect(sorted.allSatisfy { ["Trouser", "Bag"].contains($0["label"] as? String ?? "") })
        #expect(sorted.allSatisfy { ($0["blob"] as? String ?? "").hasPrefix("sha256:") })

        let evaluated = try await AviaryProcess.run(["evaluate", "clothes.validation", "--model", "clothes/1", "--json"], in: directory.url)
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.standardOutput.utf8)) as! [String: Any]
        #expect(report["sampleCount"] as? Int == 36)
        #expect((report["accuracy"] as? Double ?? 0) >= 0.9)

        try await Self.expectExportsClothes(in: directory)

        let shown = try await AviaryProcess.run(["model", "show", "clothes/1", "--json"], in: directory.url)
        #expect(shown.standardOutput.contains("\"datasetVersion\""))
    }

    /// SIGKILL after the first epoch's checkpoint; the same command again finishes with the weights an
    /// unbroken run with the same seed ends with, bit for bit.
    @Test(.ownThread) func aKilledRunResumesToTheSameWeights() async throws {
        let directory = try await Self.project(perClass: 16)
        let unbroken = try await AviaryProcess.run(Self.train + ["--epochs", "3", "--name", "unbroken", "--json"], in: directory.url)
        try #require(unbroken.status == 0, "\(unbroken.standardError)")

        let arguments = Self.train + ["--epochs", "3", "--name", "killed", "--json"]
        let process = try AviaryProcess.start(arguments, in: directory.url)
        let log = directory.url.appendingPathComponent(".aviary/training/killed/state.json")
        let deadline = Date().addingTimeInterval(120)
        while !FileManager.default.fileExists(atPath: log.path) && Date() < deadline { try await Task.sleep(for: .milliseconds(10)) }
        process.signal(SIGKILL)
        #expect(try await process.waitForTermination() == .uncaughtSignal(SIGKILL), "the run ended before it could be killed")

        let resumed = try await AviaryProcess.run(arguments, in: directory.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        func weights(_ run: String) async throws -> BlobID {
            let record = try await TrainingJob(project: project).existingRun(run)
            let artifact = try ModelArtifactStore(blobs: project.blobs).load(try #require(record?.artifact))
            return try #require(artifact.weights?.stateDict)
        }
        #expect(try await weights("killed") == weights("unbroken"))
        let killed = try #require(try await TrainingJob(project: project).existingRun("killed"))
        #expect(killed.history.map(\.epoch) == [1, 2, 3])
    }

    /// The seeds' pipeline with the engine: split → train → evaluate → condition → register, then the
    /// same run again from the cache, and a threshold no model reaches.
    @Test func aPipelineSplitsTrainsEvaluatesAndRegisters() async throws {
        let directory = try await Self.project(perClass: 20)
        _ = try directory.write("p.yaml", Data("""
            name: clothes
            parameters:
              threshold: {type: float, default: 0.8}
            steps:
              split: {kind: split, dataset: clothes, fractions: {train: 0.6, validation: 0.4}, seed: 1}
              train:
                kind: train
                dataset: ${steps.split.outputs.train}
                validation: ${steps.split.outputs.validation}
                epochs: 2
                image_size: 28
                batch_size: 16
                learning_rate: 0.003
                seed: 3
              evaluate: {kind: evaluate, model: "${steps.train.outputs.model}", dataset: "${steps.split.outputs.validation}"}
              gate:
                kind: condition
                if: steps.evaluate.outputs.accuracy >= params.threshold
                then: [register]
                else: [too-weak]
              register:
                kind: register
                group: clothes
                model: ${steps.train.outputs.model}
                metrics: ${steps.evaluate.outputs}
                dataset: ${steps.split.outputs.train}
              too-weak: {kind: fail, message: the model is below the threshold}
            """.utf8))
        let first = try await AviaryProcess.run(["pipeline", "run", "p.yaml", "--name", "first"], in: directory.url)
        #expect(first.status == 0, "\(first.standardOutput)\n\(first.standardError)")
        let versions = try await AviaryProcess.run(["model", "ls", "clothes", "--json"], in: directory.url)
        let listed = try JSONSerialization.jsonObject(with: Data(versions.standardOutput.utf8)) as? [[String: Any]] ?? []
        #expect(listed.count == 1)
        try await Self.expectExportsClothes(in: directory)

        let shown = try await AviaryProcess.run(["model", "show", "clothes/1", "--json"], in: directory.url).standardOutput
        let version = try JSONSerialization.jsonObject(with: Data(shown.utf8)) as? [String: Any] ?? [:]
        #expect((version["lineage"] as? [String: Any])?["pipelineRun"] as? String == "first", "\(shown)")
        #expect((version["metrics"] as? [String: Any])?["accuracy"] is NSNumber)
        let predicted = try await AviaryProcess.run(["predict", "clothes/1", "loose/" + (try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("loose").path).sorted()[0])], in: directory.url)
        #expect(predicted.status == 0, "\(predicted.standardError)")

        let again = try await AviaryProcess.run(["pipeline", "run", "p.yaml", "--name", "again", "--json"], in: directory.url)
        #expect(again.status == 0, "\(again.standardError)")
        let steps = try await AviaryProcess.run(["pipeline", "show", "again", "--json"], in: directory.url).standardOutput
        #expect(steps.components(separatedBy: "\"cachedFrom\"").count - 1 >= 3, "split, train and evaluate come from the cache: \(steps)")

        let strict = try await AviaryProcess.run(["pipeline", "run", "p.yaml", "--name", "strict", "--param", "threshold=1.01"], in: directory.url)
        #expect(strict.status != 0)
        #expect((strict.standardOutput + strict.standardError).contains("the model is below the threshold"))
        #expect(try await AviaryProcess.run(["model", "ls", "clothes", "--json"], in: directory.url).standardOutput == versions.standardOutput,
                "nothing new is registered")
    }

    @Test func badRequestsSayWhatToFix() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let missing = try await AviaryProcess.run(["train", "nothing"], in: directory.url)
        #expect(missing.status == 66)
        let bad = try await AviaryProcess.run(["train", "nothing", "--epochs", "0"], in: directory.url)
        #expect(bad.status == 65)
        #expect(bad.standardError == "error: training setting --epochs: must be 1…10000, not 0\n")
        let head = try await AviaryProcess.run(["predict", "nogroup/1", "x.png"], in: directory.url)
        #expect(head.status == 66, "\(head.standardError)")
    }
}
