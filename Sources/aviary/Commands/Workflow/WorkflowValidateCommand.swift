import ArgumentParser
import AviaryCore
import AviaryWorkflow
import Foundation

struct WorkflowValidateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "validate", abstract: "Check a definition and report every problem, naming its state and field.",
        discussion: "Exits 0 when the definition can run and 65 when it has problems. Needs no project.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The definition (Amazon States Language JSON).") var file: String
    @Flag(help: "Print {valid, problems: [{location, message}]}.") var json = false

    func run() async throws {
        try await CommandRunner.runWithoutProject(options) { _ in
            let text: String
            do { text = try String(contentsOfFile: file, encoding: .utf8) } catch {
                throw WorkflowError.invalidInput(source: file, detail: "cannot read it: \(error.localizedDescription)")
            }
            let problems = Validator.validate(text)
            if json {
                struct Problem: Encodable { var location: String; var message: String }
                struct Report: Encodable { var file: String; var valid: Bool; var problems: [Problem] }
                try JSONOutput.print(Report(file: file, valid: problems.isEmpty,
                                            problems: problems.map { Problem(location: $0.location, message: $0.message) }))
            } else if problems.isEmpty {
                print("\(file): valid")
            } else {
                for problem in problems { print("\(file): \(problem.location): \(problem.message)") }
                print("\(problems.count) problem(s)")
            }
            if !problems.isEmpty { throw ExitCode(65) }
        }
    }
}
