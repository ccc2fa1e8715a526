import ArgumentParser
import AviaryCore
import AviaryJSON
import Foundation

struct WorkflowHistoryCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "history", abstract: "Print an execution's history events, in order, with AWS's names and fields.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "The execution's name.") var execution: String
    @Flag(help: "Print {\"events\": [...]} as AWS's GetExecutionHistory does.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let entries = try await WorkflowCatalog(metadata: project.metadata).historyEntries(execution)
            if json {
                print("{\"events\":[" + entries.map { String(decoding: $0.body, as: UTF8.self) }.joined(separator: ",") + "]}")
                return
            }
            let rows = entries.map { entry -> [String] in
                let event = try? JSONParser.parse(String(decoding: entry.body, as: UTF8.self))
                return ["\(entry.number)", entry.type, WorkflowOutput.preciseTimestamp(entry.time), Self.detail(event)]
            }
            print(TextTable(header: ["ID", "TYPE", "TIME", "DETAIL"], rows: rows).text)
        }
    }

    /// The state name, or the error, of an event: what a reader scans the history for.
    static func detail(_ event: AviaryJSON.JSONValue?) -> String {
        guard let object = event?.objectValue else { return "" }
        for (key, value) in object where key.hasSuffix("EventDetails") {
            if let name = value["name"]?.stringValue {
                if let index = value["index"] { return "\(name)[\(index.serialized())]" }
                return name
            }
            if let error = value["error"]?.stringValue { return "\(error): \(value["cause"]?.stringValue ?? "")" }
            if let resource = value["resource"]?.stringValue { return resource }
        }
        return ""
    }
}
