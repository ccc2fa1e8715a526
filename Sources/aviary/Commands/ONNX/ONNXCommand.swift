import ArgumentParser
import AviaryONNX
import Foundation

/// `aviary onnx`: look at and run ONNX models, without a project.
struct ONNXCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "onnx",
        abstract: "Inspect ONNX models and run them on NumPy arrays.",
        subcommands: [Inspect.self, Run.self])

    /// Prints a reader's error and exits with sysexits.h's status, as the other commands do: 66 for
    /// a missing file, 74 for an unreadable one, 65 for anything wrong with the input itself.
    static func guarded<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch {
            FileHandle.standardError.write(Data("error: \(error)\n".utf8))
            switch error {
            case ONNXError.fileNotFound, NumPyError.fileNotFound: throw ExitCode(66)
            case ONNXError.unreadable, ONNXError.unwritable, NumPyError.unreadable, NumPyError.unwritable: throw ExitCode(74)
            default: throw ExitCode(65)
            }
        }
    }

    static func loadModel(_ file: String) throws -> Onnx_ModelProto {
        try guarded { try ONNXModelFile.load(URL(fileURLWithPath: file)) }
    }

    struct Inspect: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Show a model's opsets, inputs and outputs with shapes and types, operator counts and parameter count.")

        @Argument(help: "The .onnx file.") var file: String
        @Flag(help: "Print the summary as JSON.") var json = false

        func run() async throws {
            let model = try ONNXCommand.loadModel(file)
            let summary = ONNXModelSummary(model)
            if json { try JSONOutput.print(summary); return }
            print(Self.text(summary, file: file), terminator: "")
        }

        static func text(_ summary: ONNXModelSummary, file: String) -> String {
            func values(_ values: [ONNXModelSummary.Value]) -> [[String]] {
                values.map { [$0.name, $0.elementType, $0.shape.map { "[" + $0.joined(separator: ", ") + "]" } ?? "(unknown shape)"] }
            }
            var rows: [[String]] = [["model", file], ["ir version", String(summary.irVersion)]]
            if !summary.producer.isEmpty { rows.append(["producer", summary.producer]) }
            rows += summary.opsets.map { ["opset", "\($0.domain) \($0.version)"] }
            rows += values(summary.inputs).map { ["input"] + $0 }
            rows += values(summary.outputs).map { ["output"] + $0 }
            func count(_ number: Int, _ noun: String) -> String { "\(number) \(noun)\(number == 1 ? "" : "s")" }
            rows.append(["parameters", "\(summary.parameterCount) in \(count(summary.initializerCount, "initializer")), "
                         + count(summary.constantCount, "Constant node")])
            rows.append(["nodes", String(summary.nodeCount)])
            let opWidth = summary.operators.map(\.op.count).max() ?? 0
            rows += summary.operators.map { ["", $0.op.padding(toLength: opWidth, withPad: " ", startingAt: 0), String($0.count)] }
            let width = rows.map { $0[0].count }.max() ?? 0
            return rows.map { row in
                ([row[0].padding(toLength: width, withPad: " ", startingAt: 0)] + row.dropFirst()).joined(separator: "  ")
            }.joined(separator: "\n") + "\n"
        }
    }
}
