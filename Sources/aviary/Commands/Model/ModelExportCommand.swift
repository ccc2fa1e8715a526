import ArgumentParser
import AviaryCore
import Foundation

/// `aviary model export`: a trained model's ONNX graph as a file, to run under ONNX Runtime, TensorRT
/// or OpenVINO, with the preprocessing it expects beside it.
struct ModelExportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export", abstract: "Write a model's ONNX graph to a file, and its labels and preprocessing beside it.",
        discussion: """
            The graph takes `input` (a model trained on an ONNX backbone: that network's own input name, as \
            FILE.json's signature says), float32 [N, 3, S, S] already preprocessed as FILE.json says (resize, \
            crop, (x/255 − mean) / std), and gives `logits` in the order of FILE.json's classes.
            """)

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The model: sha256:… (a model artifact) or GROUP/VERSION.") var model: String
    @Option(help: "The .onnx file to write; the artifact's JSON goes beside it with the extension .json.") var out: String

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let (id, artifact) = try await ClassifierArtifacts.resolve(model, project: project)
            guard let graph = try ModelArtifactStore(blobs: project.blobs).graph(of: artifact) else {
                throw TrainingError.unsupported("model \(model) has no ONNX graph (its architecture could not be exported when it was trained)")
            }
            let file = URL(fileURLWithPath: out)
            try AtomicFile.write(to: file) { try $0.write(contentsOf: graph) }
            let sidecar = file.deletingPathExtension().appendingPathExtension("json")
            try AtomicFile.write(to: sidecar) { try $0.write(contentsOf: try project.blobs.data(id)) }
            print("wrote \(file.path) (\(graph.count) bytes) and \(sidecar.path): input \(artifact.signature.input), output \(artifact.signature.output), \(artifact.classes.count) classes")
        }
    }
}
