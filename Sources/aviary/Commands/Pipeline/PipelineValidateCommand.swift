import ArgumentParser
import AviaryCore
import Foundation

struct PipelineValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a pipeline file and report every problem with its line, column and field.",
        discussion: "Exits 0 when the pipeline can run and 65 when it has problems. Needs no project.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The pipeline (YAML or JSON).") var file: String
    @Flag(help: "Print {file, valid, problems: [{file, line, column, field, message}]}.") var json = false

    func run() async throws {
        try await CommandRunner.runWithoutProject(options) { _ in
            let result = try PipelineValidator.validate(fileAt: URL(fileURLWithPath: file), displayName: file)
            if json {
                struct Report: Encodable { var file: String; var valid: Bool; var problems: [PipelineProblem] }
                try JSONOutput.print(Report(file: file, valid: result.problems.isEmpty, problems: result.problems))
            } else if let definition = result.definition {
                print("\(file): valid (pipeline \(definition.name), \(definition.steps.count) steps)")
            } else {
                for problem in result.problems { print(problem.description) }
                print("\(result.problems.count) problem(s)")
            }
            if !result.problems.isEmpty { throw ExitCode(65) }
        }
    }
}

struct PipelineDefinitionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "definition", abstract: "Print the normalised definition: defaults filled in, every dependency explicit.",
        discussion: "With --json, in the file format itself: validating that output gives the same pipeline. Needs no project.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The pipeline (YAML or JSON).") var file: String
    @Flag(help: "Print it as JSON.") var json = false

    func run() async throws {
        try await CommandRunner.runWithoutProject(options) { _ in
            let definition = try PipelineOutput.load(file)
            if json { print(definition.normalized.indented()); return }
            print("pipeline \(definition.name)" + (definition.description.map { ": \($0)" } ?? ""))
            for parameter in definition.parameters {
                print("  param \(parameter.name): \(parameter.type.rawValue)" + (parameter.default.map { " = \($0.serialized())" } ?? " (required)"))
            }
            print(TextTable(header: ["STEP", "KIND", "AFTER"], rows: definition.steps.map {
                [$0.name, $0.kind.rawValue, $0.dependsOn.isEmpty ? "-" : $0.dependsOn.joined(separator: ",")]
            }).text)
        }
    }
}
