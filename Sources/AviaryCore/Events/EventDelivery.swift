import AviarySpawn
import AviaryStore
import Foundation

/// Hands one event to one subscriber; throws when the subscriber did not take it.
public protocol EventDelivering: Sendable {
    func deliver(_ envelope: EventEnvelope, to subscriber: Subscriber) async throws
}

/// What a failed delivery reports; it becomes a dead letter's `lastError`.
public struct DeliveryError: Error, Hashable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

/// The real deliveries: webhooks are POSTed, rules run their command.
public struct StandardDelivery: EventDelivering {
    /// The project root, given to rule commands as `AVIARY_PROJECT`.
    public var projectRoot: URL?
    public var timeout: TimeInterval

    public init(projectRoot: URL?, timeout: TimeInterval = 10) {
        self.projectRoot = projectRoot
        self.timeout = timeout
    }

    public func deliver(_ envelope: EventEnvelope, to subscriber: Subscriber) async throws {
        let body = try envelope.encoded()
        switch subscriber.kind {
        case .webhook:
            guard let url = URL(string: subscriber.target) else { throw DeliveryError("'\(subscriber.target)' is not a URL") }
            var headers = ["Content-Type": "application/json", "User-Agent": "aviary-events",
                           "X-Aviary-Event": envelope.type, "X-Aviary-Sequence": String(envelope.sequence),
                           "X-Aviary-Delivery": "\(subscriber.name)-\(envelope.sequence)"]
            if let secret = subscriber.secret { headers[EventSignature.header] = EventSignature.sign(body, secret: secret) }
            let status = try await HTTPPoster.post(body, to: url, headers: headers, timeout: timeout)
            guard (200..<300).contains(status) else { throw DeliveryError("POST \(subscriber.target) answered HTTP \(status)") }
        case .rule:
            var environment = ProcessInfo.processInfo.environment
            environment["AVIARY_EVENT"] = String(decoding: body, as: UTF8.self)
            environment["AVIARY_EVENT_TYPE"] = envelope.type
            environment["AVIARY_EVENT_SUBJECT"] = envelope.subject
            if let projectRoot { environment["AVIARY_PROJECT"] = projectRoot.path }
            let status = try await Self.runShell(subscriber.target, environment: environment)
            guard status == 0 else { throw DeliveryError("rule command exited with status \(status): \(subscriber.target)") }
        }
    }

    /// Runs `/bin/sh -c command` in a process group of its own, its output to ours, and waits for it
    /// without holding a thread of the cooperative pool.
    static func runShell(_ command: String, environment: [String: String]) async throws -> Int32 {
        let child: RunningChild
        do {
            child = try Spawner.spawn(executable: "/bin/sh", arguments: ["-c", command], environment: environment)
        } catch {
            throw DeliveryError("cannot start /bin/sh for the rule command \(command): \(error.reason)")
        }
        return try await child.wait()
    }
}
