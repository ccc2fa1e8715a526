import AviaryStore
import AviaryWorkflow
import Foundation

/// Something that receives the project's events at least once, in order: a webhook or a rule.
/// Each keeps its own cursor (the last sequence it has dealt with), so a slow or failing subscriber
/// never holds the others back, and a restarted dispatcher resumes where each one stopped.
public struct Subscriber: Codable, Sendable, Hashable {
    public static let recordKind = "event.subscriber"

    public enum Kind: String, Codable, Sendable { case webhook, rule }

    public var name: String
    public var kind: Kind
    /// Event types to deliver, as wildcard patterns: `model.approved`, `model.*`, `*`.
    public var events: [String]
    /// Rules only: deliver only events whose payload's `group` is this one.
    public var group: String?
    /// Webhooks: where to POST. Rules: the shell command to run.
    public var target: String
    /// Webhooks: the HMAC-SHA256 key for the signature header; nil sends unsigned.
    public var secret: String?
    /// Attempts per event before it is dead-lettered.
    public var maxAttempts: Int
    /// The first retry waits this long; each further one twice as long, up to five minutes.
    public var backoffSeconds: Double
    public var createdAt: Date
    public var id: String { "\(kind.rawValue)/\(name)" }

    public init(name: String, kind: Kind, events: [String], group: String? = nil, target: String, secret: String? = nil,
                maxAttempts: Int = 5, backoffSeconds: Double = 1, createdAt: Date = Date()) {
        self.name = name
        self.kind = kind
        self.events = events
        self.group = group
        self.target = target
        self.secret = secret
        self.maxAttempts = max(1, maxAttempts)
        self.backoffSeconds = max(0, backoffSeconds)
        self.createdAt = createdAt
    }

    public func wants(_ event: Event) -> Bool {
        guard events.contains(where: { WildcardPattern($0).matches(event.type) }) else { return false }
        guard let group else { return true }
        let payload = try? JSONSerialization.jsonObject(with: event.payload) as? [String: Any]
        return payload?["group"] as? String == group
    }

    /// The wait before retry number `attempt` (1 for the first retry).
    public func backoff(beforeRetry attempt: Int) -> Double {
        min(300, backoffSeconds * pow(2, Double(attempt - 1)))
    }
}

/// Where a subscriber has got to in the event log.
public struct SubscriberCursor: Codable, Sendable, Hashable {
    public static let recordKind = "event.cursor"
    public var subscriber: String
    public var sequence: Int64
}

/// An event a subscriber could not take after every attempt, kept so that nothing is lost silently.
public struct DeadLetter: Codable, Sendable, Hashable {
    public static let recordKind = "event.deadletter"
    public var subscriber: String
    public var sequence: Int64
    public var type: String
    public var subject: String
    public var attempts: Int
    public var lastError: String
    public var at: Date
}
