import ArgumentParser
import AviaryCore
import Foundation

/// `aviary function`: the functions Task states call by name.
struct FunctionCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "function", abstract: "Register, list and remove the functions workflows call.",
        discussion: """
            A Task calls a function by name as its Resource, or through arn:aws:states:::lambda:invoke with \
            FunctionName (a name or a full Lambda ARN), so definitions exported from AWS run unchanged. \
            A command function reads the event as JSON on stdin and prints its result as JSON; a Python \
            function defines lambda_handler(event, context). Both get AVIARY_PROJECT and AVIARY_EXECUTABLE. \
            Names starting with `aviary.` are the built-ins.
            """,
        subcommands: [Add.self, List.self, Remove.self])

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Register a command or a Python file under a name (replacing one of that name).")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The function's name.") var name: String
        @Option(help: "A shell command: event on stdin, JSON result on stdout.") var command: String?
        @Option(help: "A Python file defining the handler; its source is stored in the project.") var python: String?
        @Option(help: "The Python handler's name.") var handler = "lambda_handler"
        @Flag(help: "Print the registered function as JSON.") var json = false

        func validate() throws {
            guard (command == nil) != (python == nil) else { throw ValidationError("give exactly one of --command or --python") }
        }

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                let catalog = FunctionCatalog(metadata: project.metadata, blobs: project.blobs)
                let function = if let command {
                    try await catalog.addCommand(name: name, command: command)
                } else {
                    try await catalog.addPython(name: name, file: URL(fileURLWithPath: python!), handler: handler)
                }
                if json { try JSONOutput.print(function) } else { print("function \(function.name): \(function.summary)") }
            }
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "ls", abstract: "List the built-in and registered functions.")

        @OptionGroup var options: GlobalOptions
        @Flag(help: "Print a JSON array of {name, kind, summary}.") var json = false

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                struct Row: Encodable { var name: String; var kind: String; var summary: String }
                let builtins = BuiltinFunction.all.map { Row(name: $0.name, kind: "builtin", summary: $0.summary) }
                let user = try await FunctionCatalog(metadata: project.metadata, blobs: project.blobs).functions()
                    .map { Row(name: $0.name, kind: $0.kind.rawValue, summary: $0.summary) }
                if json { try JSONOutput.print(builtins + user); return }
                print(TextTable(header: ["NAME", "KIND", "RUNS"], rows: (builtins + user).map { [$0.name, $0.kind, $0.summary] }).text)
            }
        }
    }

    struct Remove: AsyncParsableCommand {
        static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a registered function.")

        @OptionGroup var options: GlobalOptions
        @Argument(help: "The function's name.") var name: String

        func run() async throws {
            try await CommandRunner.run(options) { project, _ in
                try await FunctionCatalog(metadata: project.metadata, blobs: project.blobs).remove(name)
                print("removed function \(name)")
            }
        }
    }
}
