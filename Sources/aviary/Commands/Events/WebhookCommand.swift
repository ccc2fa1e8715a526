import ArgumentParser
import AviaryCore
import Foundation

/// `aviary webhook`: HTTP endpoints that receive events.
struct WebhookCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "webhook",
        abstract: "Add, list and remove webhooks; list dead letters.",
        discussion: """
            A webhook receives each matching event as a JSON POST (X-Aviary-Event, X-Aviary-Sequence and, with \
            a secret, X-Aviary-Signature: sha256=HMAC-SHA256(body, secret)). Deliveries happen when \
            `aviary events dispatch` runs.
            """,
        subcommands: [WebhookAddCommand.self, SubscriberListCommand.self, SubscriberRemoveCommand.self, DeadLettersCommand.self])
}

struct WebhookAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a webhook; it receives events from now on.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "A name for it.") var name: String
    @Argument(help: "The http(s) URL to POST to.") var url: String
    @Option(name: .customLong("events"), help: "Event type pattern, repeatable: 'model.approved', 'workflow.execution.*'.")
    var events: [String] = []
    @Option(help: "Signing secret (default: AVIARY_WEBHOOK_SECRET, else unsigned).") var secret: String?
    @Option(help: "Attempts per event before it is dead-lettered.") var maxAttempts = 5
    @Option(help: "Seconds before the first retry; each later retry waits twice as long.") var backoff = 1.0

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let subscriber = Subscriber(name: name, kind: .webhook, events: events, target: url,
                                        secret: secret ?? ProcessInfo.processInfo.environment["AVIARY_WEBHOOK_SECRET"],
                                        maxAttempts: maxAttempts, backoffSeconds: backoff)
            try await EventSubscriptions(metadata: project.metadata).add(subscriber)
            print("webhook \(name) → \(url) for \(events.joined(separator: ", "))\(subscriber.secret == nil ? " (unsigned)" : "")")
        }
    }
}

/// `ls` for webhooks and rules alike.
struct SubscriberListCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "ls", abstract: "List subscribers and how far each has got.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array (secrets left out).") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let subscriptions = EventSubscriptions(metadata: project.metadata)
            struct Row: Encodable { var name: String; var kind: String; var events: [String]; var group: String?; var target: String; var signed: Bool; var cursor: Int64 }
            var rows: [Row] = []
            for s in try await subscriptions.subscribers() {
                rows.append(Row(name: s.name, kind: s.kind.rawValue, events: s.events, group: s.group, target: s.target,
                                signed: s.secret != nil, cursor: try await subscriptions.cursor(of: s).sequence))
            }
            if json { try JSONOutput.print(rows); return }
            print(TextTable(header: ["NAME", "KIND", "EVENTS", "AT", "TARGET"], rows: rows.map {
                [$0.name, $0.kind, $0.events.joined(separator: ",") + ($0.group.map { " (group \($0))" } ?? ""), "\($0.cursor)", $0.target]
            }).text)
        }
    }
}

struct SubscriberRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a subscriber by name.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "Its name.") var name: String
    @Option(help: "webhook or rule.") var kind: String = "webhook"

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            guard let parsed = Subscriber.Kind(rawValue: kind) else { throw ValidationError("--kind is webhook or rule, not '\(kind)'") }
            try await EventSubscriptions(metadata: project.metadata).remove(kind: parsed, name: name)
            print("removed \(parsed.rawValue) \(name)")
        }
    }
}

struct DeadLettersCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "dead-letters", abstract: "Events that could not be delivered.")

    @OptionGroup var options: GlobalOptions
    @Flag(help: "Print a JSON array.") var json = false

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            let letters = try await EventSubscriptions(metadata: project.metadata).deadLetters()
            if json { try JSONOutput.print(letters); return }
            print(TextTable(header: ["SUBSCRIBER", "SEQ", "TYPE", "ATTEMPTS", "LAST ERROR"], rows: letters.map {
                [$0.subscriber, "\($0.sequence)", $0.type, "\($0.attempts)", $0.lastError]
            }).text)
        }
    }
}
