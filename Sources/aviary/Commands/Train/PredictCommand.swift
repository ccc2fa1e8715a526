import ArgumentParser
import AviaryCore
import Foundation

/// `aviary predict`: classify image files with a model artifact or a registered version.
struct PredictCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "predict",
        abstract: "Classify images with a trained model (an artifact id, or GROUP/VERSION from the registry).",
        discussion: "An image that cannot be read or decoded is reported on standard error; the others are still classified (exit status 65 then).")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model: sha256:… (what aviary train printed) or GROUP/VERSION.") var model: String
    @Argument(help: "Image files (JPEG or PNG).") var images: [String]
    @Option(name: .customLong("top-k"), help: "Classes to show per image.") var topK = 3
    @Flag(help: "Print JSON Lines, one prediction per image.") var json = false

    func run() async throws {
        var failed = false
        try await CommandRunner.run(options) { project, _ in
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
}
