import ArgumentParser
import AviaryCore
import Foundation

struct ModelListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List model groups, or one group's versions.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "A model group: list its versions.") var group: String?
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let registry = ModelRegistry(metadata: project.metadata)
            guard let group else {
                let groups = try await registry.groups()
                if json { try JSONOutput.print(groups); return }
                print(TextTable(header: ["GROUP", "VERSIONS", "CREATED", "BY"],
                                rows: groups.map { [$0.name, "\($0.latestVersion)", DisplayTime.seconds($0.createdAt), $0.createdBy] }).text)
                return
            }
            let versions = try await registry.versions(of: group)
            if json { try JSONOutput.print(versions); return }
            print(TextTable(header: ["VERSION", "STATUS", "REGISTERED", "BY", "METRICS"], rows: versions.map {
                [$0.reference, $0.status.rawValue, DisplayTime.seconds($0.registeredAt), $0.registeredBy, ModelCommand.metrics($0.metrics)]
            }).text)
        }
    }
}

struct ModelShowCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show", abstract: "Show a version with its lineage and decisions, or which versions were approved on a date.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "GROUP/VERSION, or GROUP with --approved-at.") var reference: String
    @Option(help: "With a GROUP: the versions approved at this instant (2026-05-01 or 2026-05-01T12:00:00Z), newest first.")
    var approvedAt: String?
    @Flag(help: "Print JSON.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let registry = ModelRegistry(metadata: project.metadata)
            if let approvedAt {
                guard let date = Self.parseDate(approvedAt) else {
                    throw ValidationError("--approved-at takes a date (2026-05-01) or an instant (2026-05-01T12:00:00Z), not '\(approvedAt)'")
                }
                let versions = try await registry.approvedVersions(of: reference, at: date)
                if json { try JSONOutput.print(versions); return }
                if versions.isEmpty { print("no version of \(reference) was approved at \(DisplayTime.seconds(date))"); return }
                print(TextTable(header: ["VERSION", "APPROVED SINCE", "BY", "REASON"], rows: versions.map { v in
                    let change = v.history.last { $0.status == .approved && $0.at <= date }
                    return [v.reference, change.map { DisplayTime.seconds($0.at) } ?? "-", change?.by ?? "-", change?.reason ?? ""]
                }).text)
                return
            }
            let (group, number) = try ModelRegistry.parseReference(reference)
            let version = try await registry.version(group, number)
            if json { try JSONOutput.print(version); return }
            var lines = [
                "version:    \(version.reference)",
                "status:     \(version.status.rawValue)",
                "registered: \(DisplayTime.seconds(version.registeredAt)) by \(version.registeredBy)",
                "artifact:   \(version.artifact?.description ?? "-")",
                "metrics:    \(version.metrics.isEmpty ? "-" : ModelCommand.metrics(version.metrics))",
                "dataset:    \(version.lineage.datasetVersion ?? "-")",
                "pipeline:   \(version.lineage.pipelineRun ?? "-")",
                "code:       \(version.lineage.codeVersion ?? "-")",
            ]
            if !version.lineage.parameters.isEmpty {
                lines.append("parameters: " + version.lineage.parameters.keys.sorted().map { "\($0)=\(version.lineage.parameters[$0]!)" }.joined(separator: " "))
            }
            if let description = version.description { lines.append("about:      \(description)") }
            lines.append("history:")
            for change in version.history {
                lines.append("  \(DisplayTime.seconds(change.at))  \(change.status.rawValue)  by \(change.by)" + (change.reason.map { ": \($0)" } ?? ""))
            }
            print(lines.joined(separator: "\n"))
        }
    }

    /// A whole day means its end, so "approved on 2026-05-01" includes decisions made that day.
    static func parseDate(_ text: String) -> Date? {
        if let instant = try? Date(text, strategy: .iso8601) { return instant }
        let day = Date.ISO8601FormatStyle().year().month().day()
        return (try? Date(text, strategy: day)).map { $0.addingTimeInterval(86_400 - 1) }
    }
}

struct ModelApproveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "approve", abstract: "Approve a version (GROUP/VERSION).")

    @OptionGroup var decision: ModelDecisionOptions

    func run() async throws { try await decision.decide(.approved) }
}

struct ModelRejectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "reject", abstract: "Reject a version (GROUP/VERSION).")

    @OptionGroup var decision: ModelDecisionOptions

    func run() async throws { try await decision.decide(.rejected) }
}

struct ModelDecisionOptions: ParsableArguments {
    @OptionGroup var options: GlobalOptions
    @Argument(help: "GROUP/VERSION, such as birds/3.") var reference: String
    @Option(help: "Why; recorded with the decision.") var reason: String?
    @Option(help: "Who decides (default: AVIARY_USER or USER).") var by: String?
    @Flag(help: "Print the version as JSON.") var json = false

    func decide(_ status: ApprovalStatus) async throws {
        try await CommandRunner.run(options) { project, _ in
            let (group, number) = try ModelRegistry.parseReference(reference)
            let registry = ModelRegistry(metadata: project.metadata)
            let actor = ModelCommand.actor(by)
            let version = status == .approved
                ? try await registry.approve(group, number, by: actor, reason: reason)
                : try await registry.reject(group, number, by: actor, reason: reason)
            if json { try JSONOutput.print(version) } else { print("\(version.reference) is \(version.status.rawValue)") }
        }
    }
}
