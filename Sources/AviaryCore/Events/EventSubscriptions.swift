import AviaryStore
import Foundation

/// Webhooks and rules as stored in the project, with their cursors and dead letters.
public struct EventSubscriptions: Sendable {
    public let metadata: any MetadataStore

    public init(metadata: any MetadataStore) {
        self.metadata = metadata
    }

    /// Adds a subscriber. It receives the events appended from now on, not the log's past.
    public func add(_ subscriber: Subscriber) async throws {
        try Self.validate(subscriber)
        let start = try await metadata.latestEventSequence()
        let key = RecordKey(kind: Subscriber.recordKind, id: subscriber.id)
        do {
            try await metadata.write(WriteBatch(
                preconditions: [.absent(key)],
                records: [try Record(kind: Subscriber.recordKind, id: subscriber.id, value: subscriber, createdAt: subscriber.createdAt),
                          try Record(kind: SubscriberCursor.recordKind, id: subscriber.id,
                                     value: SubscriberCursor(subscriber: subscriber.id, sequence: start))]))
        } catch StoreError.conflict {
            throw EventsError.subscriberExists(subscriber.id)
        }
    }

    public func remove(kind: Subscriber.Kind, name: String) async throws {
        let id = "\(kind.rawValue)/\(name)"
        guard try await metadata.record(kind: Subscriber.recordKind, id: id) != nil else { throw EventsError.subscriberNotFound(id) }
        try await metadata.write(WriteBatch(deletions: [RecordKey(kind: Subscriber.recordKind, id: id),
                                                        RecordKey(kind: SubscriberCursor.recordKind, id: id)]))
    }

    public func subscribers(kind: Subscriber.Kind? = nil) async throws -> [Subscriber] {
        try await metadata.records(kind: Subscriber.recordKind).map { try $0.decode(Subscriber.self) }
            .filter { kind == nil || $0.kind == kind }
    }

    public func cursor(of subscriber: Subscriber) async throws -> SubscriberCursor {
        try await metadata.record(kind: SubscriberCursor.recordKind, id: subscriber.id)?.decode(SubscriberCursor.self)
            ?? SubscriberCursor(subscriber: subscriber.id, sequence: 0)
    }

    public func deadLetters() async throws -> [DeadLetter] {
        try await metadata.records(kind: DeadLetter.recordKind).map { try $0.decode(DeadLetter.self) }
            .sorted { ($0.subscriber, $0.sequence) < ($1.subscriber, $1.sequence) }
    }

    static func validate(_ subscriber: Subscriber) throws {
        guard ResourceName.isValid(subscriber.name) else {
            throw EventsError.invalidName(subscriber.name)
        }
        guard !subscriber.events.isEmpty else { throw EventsError.noEventTypes(subscriber.name) }
        if subscriber.kind == .webhook {
            guard let url = URL(string: subscriber.target), ["http", "https"].contains(url.scheme?.lowercased() ?? ""), url.host != nil else {
                throw EventsError.invalidURL(subscriber.target)
            }
        }
    }
}

public enum EventsError: Error, Hashable, Sendable, CustomStringConvertible {
    case invalidName(String)
    case invalidURL(String)
    case noEventTypes(String)
    case subscriberExists(String)
    case subscriberNotFound(String)

    public var description: String {
        switch self {
        case .invalidName(let name):
            "'\(name)' is not a subscriber name: use 1 to 80 letters, digits, '-', '_' or '.', starting with a letter or digit"
        case .invalidURL(let url):
            "'\(url)' is not an http(s) URL; a webhook needs one, such as https://example.com/hooks/aviary"
        case .noEventTypes(let name):
            "\(name) subscribes to no event types: give --events, such as --events 'model.*'"
        case .subscriberExists(let id):
            "\(id) already exists; remove it first or choose another name"
        case .subscriberNotFound(let id):
            "no subscriber \(id); `aviary webhook ls` and `aviary rule ls` list them"
        }
    }
}
