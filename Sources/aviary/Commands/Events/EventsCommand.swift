import ArgumentParser
import AviaryCore
import Foundation

/// `aviary events`: the durable event log and its delivery to webhooks and rules.
struct EventsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "events",
        abstract: "Read the project's event log and deliver it to webhooks and rules.",
        discussion: """
            Every registry and workflow change appends an event with a sequence number. `dispatch` delivers \
            new events to each webhook and rule at least once, in order, retrying with backoff and \
            dead-lettering what still fails (`aviary webhook dead-letters`).
            """,
        subcommands: [EventsListCommand.self, EventsDispatchCommand.self])
}

struct EventsListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List events, oldest first.")

    @OptionGroup var options: GlobalOptions
    @Option(help: "Only events after this sequence number.") var after: Int64 = 0
    @Option(help: "At most this many.") var limit = 100
    @Option(help: "Only types matching this pattern, such as 'model.*'.") var type: String?
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let filter = Subscriber(name: "ls", kind: .rule, events: [type ?? "*"], target: "")
            let events = try await project.metadata.events(after: after, limit: max(1, limit)).filter(filter.wants).map(EventEnvelope.init)
            if json { try JSONOutput.print(events); return }
            print(TextTable(header: ["SEQ", "TIME", "TYPE", "SUBJECT"], rows: events.map {
                ["\($0.sequence)", DisplayTime.seconds($0.time), $0.type, $0.subject]
            }).text)
        }
    }
}

struct EventsDispatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "dispatch", abstract: "Deliver new events to webhooks and rules: once, or until interrupted.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Deliver what is there now and exit.") var once = false
    @Option(help: "Seconds between looks at the log when running continuously.") var interval = 2.0
    @Flag(help: "Print what was delivered as JSON (with --once).") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, logger in
            InterruptHandler.install(stopping: "rule command(s)", hint: nil)
            let dispatcher = EventDispatcher(metadata: project.metadata, delivery: StandardDelivery(projectRoot: project.layout.root),
                                             logger: logger)
            guard once else {
                try await dispatcher.run(interval: max(0.1, interval))
                return
            }
            let report = try await dispatcher.dispatchOnce()
            if json {
                struct Row: Encodable { var subscriber: String; var delivered: Int; var deadLettered: Int }
                try JSONOutput.print(report.delivered.keys.sorted().map { Row(subscriber: $0, delivered: report.delivered[$0]!, deadLettered: report.deadLettered[$0] ?? 0) })
                return
            }
            for id in report.delivered.keys.sorted() {
                print("\(id): \(report.delivered[id]!) delivered, \(report.deadLettered[id] ?? 0) dead-lettered")
            }
        }
    }
}
