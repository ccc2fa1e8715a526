import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary train --mode head|finetune --backbone NAME` where NAME is a user's ONNX network added
/// with `aviary backbone add`: the tiny CNN of Tests/AviaryONNXTests/Fixtures/backbone (made by
/// make_tiny_cnn.py), on real Fashion-MNIST trousers and bags. Its models predict, evaluate and
/// export like any other.
@Suite(.serialized) struct ONNXBackboneTrainCommandTests {
    static let fixtures = PackagePaths.root.appendingPathComponent("Tests/AviaryONNXTests/Fixtures/backbone")
    static let head = ["train", "clothes.train", "--validation", "clothes.validation", "--mode", "head", "--backbone", "tiny",
                       "--resize", "stretch", "--epochs", "10", "--learning-rate", "0.03", "--patience", "0"]

    static func json(_ text: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any] ?? [:]
    }

    @Test func headAndFinetuneOnAnONNXBackboneMakeModelsThatWorkEverywhere() async throws {
        let directory = try await TrainCommandsTests.project(perClass: 12)
        let added = try await AviaryProcess.run(["backbone", "add", Self.fixtures.appendingPathComponent("tiny_cnn.onnx").path, "--name", "tiny",
                                                 "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25"], in: directory.url)
        #expect(added.status == 0, "\(added.standardError)")

        // No --image-size: the backbone's own 32×32.
        let first = try await AviaryProcess.run(Self.head + ["--name", "h1", "--register", "tiny-heads"], in: directory.url)
        #expect(first.status == 0, "\(first.standardError)")
        let lines = first.standardOutput.split(separator: "\n").map(String.init)
        #expect(lines.filter { $0.hasPrefix("epoch ") }.count == 10, "\(first.standardOutput)")
        #expect(lines.contains("features: 0 cached, 36 computed"), "\(first.standardOutput)")
        let second = try await AviaryProcess.run(Self.head + ["--name", "h2", "--optimizer", "sgd"], in: directory.url)
        #expect(second.status == 0, "\(second.standardError)")
        #expect(second.standardOutput.contains("features: 36 cached, 0 computed"), "\(second.standardOutput)")

        let shown = try Self.json(try await AviaryProcess.run(["model", "show", "tiny-heads/1", "--json"], in: directory.url).standardOutput)
        let text = String(describing: shown)
        #expect(text.contains(BlobID.digest(of: try Data(contentsOf: Self.fixtures.appendingPathComponent("tiny_cnn.onnx"))).hex), "lineage: the backbone's SHA-256")

        let loose = try FileManager.default.contentsOfDirectory(atPath: directory.url.appendingPathComponent("loose").path).sorted()
        let predicted = try await AviaryProcess.run(["predict", "tiny-heads/1", "--json"] + loose.map { "loose/" + $0 }, in: directory.url)
        #expect(predicted.status == 0, "\(predicted.standardError)")
        let answers = try predicted.standardOutput.split(separator: "\n").map { try Self.json(String($0)) }
        #expect(answers.count == loose.count)
        #expect(answers.allSatisfy { ["Bag", "Trouser"].contains($0["label"] as? String ?? "") })

        let evaluated = try await AviaryProcess.run(["evaluate", "clothes.validation", "--model", "tiny-heads/1", "--json"], in: directory.url)
        #expect(evaluated.status == 0, "\(evaluated.standardError)")
        let accuracy = try Self.json(evaluated.standardOutput)["accuracy"] as? Double ?? 0
        #expect(accuracy >= 0.8, "\(evaluated.standardOutput.prefix(300))")

        let exported = try await AviaryProcess.run(["model", "export", "tiny-heads/1", "--out", "tiny.onnx"], in: directory.url)
        #expect(exported.status == 0, "\(exported.standardError)")
        #expect(exported.standardOutput.hasSuffix("input image, output logits, 2 classes\n"), "\(exported.standardOutput)")
        let inspected = try await AviaryProcess.run(["onnx", "inspect", "tiny.onnx", "--json"], in: directory.url)
        #expect(inspected.status == 0, "\(inspected.standardError)")
        #expect(inspected.standardOutput.contains("\"logits\"") && inspected.standardOutput.contains("\"image\""))

        let finetuned = try await AviaryProcess.run(["train", "clothes.train", "--validation", "clothes.validation", "--mode", "finetune",
                                                     "--backbone", "tiny", "--resize", "stretch", "--epochs", "2", "--batch-size", "8",
                                                     "--learning-rate", "0.01", "--backbone-lr-scale", "0.1", "--name", "f1", "--register", "tiny-ft"],
                                                    in: directory.url)
        #expect(finetuned.status == 0, "\(finetuned.standardError)")
        #expect(finetuned.standardOutput.split(separator: "\n").filter { $0.hasPrefix("epoch ") }.count == 2, "\(finetuned.standardOutput)")
        let again = try await AviaryProcess.run(["predict", "tiny-ft/1", "loose/" + loose[0]], in: directory.url)
        #expect(again.status == 0, "\(again.standardError)")
        let architecture = try await AviaryProcess.run(Self.head + ["--architecture", "resnet18"], in: directory.url)
        #expect(architecture.status != 0)
        #expect(architecture.standardError.contains("'tiny' is an ONNX backbone: the network is its imported graph, not resnet18; leave --architecture out"), "\(architecture.standardError)")
    }

    @Test func backboneAddNamesWhatItCannotUseAndHowToFixIt() async throws {
        let directory = try await AviaryProcess.initializedProject()
        func add(_ file: String, _ extra: [String] = []) async throws -> CommandResult {
            try await AviaryProcess.run(["backbone", "add", Self.fixtures.appendingPathComponent(file).path, "--name", "odd"] + extra, in: directory.url)
        }
        func path(_ file: String) -> String { Self.fixtures.appendingPathComponent(file).path }
        let unsupported = try await add("odd_unsupported_op.onnx")
        #expect(unsupported.status != 0)
        #expect(unsupported.standardError.contains("error: \(path("odd_unsupported_op.onnx")) cannot be used as a backbone: node 'mystery': operator Hardmax at opset 17 is not supported. If that node comes after the features, pass --features VALUE naming a value before it (pooled or flattened values: p, y); otherwise re-export the network without Hardmax (`aviary onnx inspect odd_unsupported_op.onnx` lists the nodes)"), "\(unsupported.standardError)")
        // Cut before the unsupported node, the graph imports: nodes past the features are never checked.
        let cut = try await add("odd_unsupported_op.onnx", ["--features", "c"])
        #expect(cut.status == 0, "\(cut.standardError)")

        let channelsLast = try await add("odd_channels_last.onnx")
        #expect(channelsLast.standardError.contains("input 'x' is channels-last (N×16×16×3); Aviary feeds images as N×3×H×W: re-export the network with a channels-first input (tf2onnx: --inputs-as-nchw x)"), "\(channelsLast.standardError)")
        let notSquare = try await add("odd_not_square.onnx")
        #expect(notSquare.standardError.contains("input 'x' is 16×24 pixels; backbones take square images"), "\(notSquare.standardError)")
        let rank2 = try await add("odd_rank2.onnx")
        #expect(rank2.standardError.contains("input 'x' is N×768; a backbone takes images as N×3×H×W"), "\(rank2.standardError)")
        let dynamic = try await add("odd_dynamic.onnx")
        #expect(dynamic.standardError.contains("input 'x' leaves height and width open (N×3×H×W); pass --input-size SIZE, the side the network was trained at"), "\(dynamic.standardError)")
        for result in [channelsLast, notSquare, rank2, dynamic] { #expect(result.status != 0) }
        let sized = try await AviaryProcess.run(["backbone", "add", path("odd_dynamic.onnx"), "--name", "sized", "--input-size", "24"], in: directory.url)
        #expect(sized.status == 0, "\(sized.standardError)")
    }
}
