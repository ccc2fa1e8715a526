import ArgumentParser
import AviaryCore
import Foundation

/// `aviary rule`: actions inside Aviary that follow events.
struct RuleCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rule",
        abstract: "Run a command when an event happens: when a version of group G is approved, run this.",
        discussion: """
            The command runs through /bin/sh with AVIARY_EVENT (the event as JSON), AVIARY_EVENT_TYPE, \
            AVIARY_EVENT_SUBJECT and AVIARY_PROJECT set; a non-zero exit is retried, then dead-lettered. \
            Rules run when `aviary events dispatch` runs.
            """,
        subcommands: [RuleAddCommand.self, SubscriberListCommand.self, RuleRemoveCommand.self])
}

struct RuleAddCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "add", abstract: "Add a rule; it sees events from now on.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "A name for it.") var name: String
    @Option(name: .customLong("on"), help: "Event type pattern, repeatable: model.approved.") var events: [String] = []
    @Option(help: "Only events about this model group.") var group: String?
    @Option(name: .customLong("run"), help: "The shell command to run.") var command: String
    @Option(help: "Attempts per event before it is dead-lettered.") var maxAttempts = 3

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            try await EventSubscriptions(metadata: project.metadata).add(
                Subscriber(name: name, kind: .rule, events: events, group: group, target: command, maxAttempts: maxAttempts))
            print("rule \(name): on \(events.joined(separator: ", "))\(group.map { " of group \($0)" } ?? "") run \(command)")
        }
    }
}

struct RuleRemoveCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "rm", abstract: "Remove a rule by name.")

    @OptionGroup var options: GlobalOptions
    @Argument(help: "Its name.") var name: String

    func run() async throws {
        try await CommandRunner.run(options) { project, _ in
            try await EventSubscriptions(metadata: project.metadata).remove(kind: .rule, name: name)
            print("removed rule \(name)")
        }
    }
}
