import ArgumentParser
import AviaryONNX
import AviaryTensor
import Foundation

extension ONNXCommand {
    /// `aviary onnx run`: the same arrays through Aviary and any other runtime, compared file by file.
    struct Run: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run an ONNX model on .npy inputs and write one .npy per output.",
            discussion: """
                Inputs go in graph-input order, or as NAME=FILE.npy. Each output is written to \
                DIR/<output name>.npy, with characters other than letters, digits, '.', '-' and '_' \
                replaced by '_'.
                """)

        @Argument(help: "The .onnx file.") var model: String
        @Argument(help: "Input arrays (.npy), in order or as NAME=FILE.npy.") var inputs: [String] = []
        @Option(help: "The folder for the output arrays.") var out: String

        func run() async throws {
            let proto = try ONNXCommand.loadModel(model)
            let graph = try ONNXCommand.guarded { try ONNXGraph(proto) }
            let binding = try ONNXCommand.guarded { try ModelInputBinding(arguments: inputs, model: proto) }
            let results = try ONNXCommand.guarded {
                try GradientMode.withoutGradients {
                    try graph.run(Dictionary(uniqueKeysWithValues: binding.inputs.map { ($0.name, $0.array) }))
                }
            }
            let folder = URL(fileURLWithPath: out, isDirectory: true)
            try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
            for (name, file) in zip(graph.outputNames, OutputFileNames.names(for: graph.outputNames)) {
                let array: HostArray
                switch results[name] {
                case .constant(let constant)?: array = constant
                case .variable(let variable)?: array = try HostArray(shape: variable.shape, values: variable.value.scalars)
                case nil: continue
                }
                let url = folder.appendingPathComponent(file)
                try ONNXCommand.guarded { try NumPyFile.write(array, to: url) }
                print("\(name)  \(array.elementType) \(array.shape)  \(url.path)")
            }
        }
    }
}
