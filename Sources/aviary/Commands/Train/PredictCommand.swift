import ArgumentParser
import AviaryCore
import Foundation

/// `aviary predict`: classify image files with a model artifact or a registered version.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images with a trained model (an artifact id, or GROUP/VERSION from the registry).",
        discussion: """
            An image that cannot be read or decoded is reported on standard error; the others are still classified (exit status 65 then). \
            With --backbone NAME, a pulled zoo backbone's own ImageNet classifier answers instead, and every argument is an image.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model: sha256:… (what aviary train printed) or GROUP/VERSION; with --backbone, the first image.") var model: String
    @Argument(help: "Image files (JPEG or PNG).") var images: [String] = []
    @Option(name: [.customLong("top-k"), .customLong("top")], help: "Classes to show per image (default: 3, or 5 with --backbone).") var topK: Int?
    @Option(help: ArgumentHelp("Classify with this pulled zoo backbone's ImageNet classifier instead of a model.", valueName: "name"))
    var backbone: String?
    @Flag(help: "Print JSON Lines, one prediction per image.") var json = false

    func run() async throws {
        var failed = false
        try await CommandRunner.run(options) { project, _ in
            if let backbone {
                failed = try await Self.predict(backbone: backbone, images: [model] + images, topK: topK ?? 5, json: json, project: project)
                return
            }
            let topK = topK ?? 3
            let (_, artifact) = try await ClassifierArtifacts.resolve(model, project: project)
            let predictor = try ClassifierPredictor(artifact: artifact, blobs: project.blobs)
            let (predictions, failures) = try predictor.predict(files: images, topK: topK)
            for prediction in predictions {
                if json {
                    print(String(decoding: try CanonicalJSON.encode(prediction), as: UTF8.self))
                } else {
                    let others = prediction.top.dropFirst().map { "\($0.label) \(String(format: "%.3f", $0.confidence))" }.joined(separator: ", ")
                    print("\(prediction.image)\t\(prediction.label)\t\(String(format: "%.3f", prediction.confidence))" + (others.isEmpty ? "" : "\t(\(others))"))
                }
            }
            for failure in failures { FileHandle.standardError.write(Data("error: \(failure.name): \(failure.reason)\n".utf8)) }
            failed = !failures.isEmpty
        }
        if failed { throw ExitCode(65) }
    }

    /// ImageNet's classes by name with their probabilities; answers whether an image failed.
    static func predict(backbone name: String, images: [String], topK: Int, json: Bool, project: Project) async throws -> Bool {
        let backbone = try await BackboneCatalog(project: project).resolve(name)
        let (predictions, failures) = try BackbonePredictor(backbone: backbone, blobs: project.blobs).predict(files: images, topK: topK)
        for prediction in predictions {
            if json {
                print(String(decoding: try CanonicalJSON.encode(prediction), as: UTF8.self))
            } else {
                print(prediction.image)
                for ranked in prediction.top { print("  \(String(format: "%.4f", ranked.probability))  \(ranked.label)") }
            }
        }
        for failure in failures { FileHandle.standardError.write(Data("error: \(failure.name): \(failure.reason)\n".utf8)) }
        return !failures.isEmpty
    }
}
