import AviaryStore
import Foundation
import Logging

/// Delivers the event log to every subscriber, at least once and in order.
///
/// For each subscriber, events after its cursor are read a page at a time; each wanted event is
/// delivered with retries and exponential backoff; after the last attempt it is dead-lettered. The
/// cursor moves only after an event is delivered or dead-lettered (in the same write as the dead
/// letter), so a crash re-delivers at most the event in flight. Subscribers run side by side in a
/// task group and cannot hold each other back.
public struct EventDispatcher: Sendable {
    public let metadata: any MetadataStore
    let delivery: any EventDelivering
    let sleep: @Sendable (Double) async throws -> Void
    let now: @Sendable () -> Date
    let logger: Logger

    public init(metadata: any MetadataStore, delivery: any EventDelivering,
                sleep: @escaping @Sendable (Double) async throws -> Void = { try await Task.sleep(for: .seconds($0)) },
                now: @escaping @Sendable () -> Date = Date.init, logger: Logger = Logger(label: "aviary.events")) {
        self.metadata = metadata
        self.delivery = delivery
        self.sleep = sleep
        self.now = now
        self.logger = logger
    }

    /// What one pass did, per subscriber.
    public struct Report: Sendable, Hashable {
        public var delivered: [String: Int] = [:]
        public var deadLettered: [String: Int] = [:]
    }

    /// Brings every subscriber up to the end of the log as it is now.
    @discardableResult
    public func dispatchOnce() async throws -> Report {
        let subscribers = try await EventSubscriptions(metadata: metadata).subscribers()
        return try await withThrowingTaskGroup(of: (String, Int, Int).self) { group in
            for subscriber in subscribers {
                group.addTask { try await catchUp(subscriber) }
            }
            var report = Report()
            for try await (id, delivered, dead) in group {
                report.delivered[id] = delivered
                report.deadLettered[id] = dead
            }
            return report
        }
    }

    /// Dispatches until the task is cancelled, looking for new events every `interval` seconds.
    public func run(interval: Double) async throws {
        while !Task.isCancelled {
            try await dispatchOnce()
            try await sleep(interval)
        }
    }

    func catchUp(_ subscriber: Subscriber) async throws -> (String, Int, Int) {
        var cursor = try await EventSubscriptions(metadata: metadata).cursor(of: subscriber)
        var delivered = 0, dead = 0
        while true {
            let page = try await metadata.events(after: cursor.sequence, limit: 100)
            if page.isEmpty { break }
            for event in page {
                cursor.sequence = event.sequence
                guard subscriber.wants(event) else { continue }
                if let failure = await attempt(event, subscriber) {
                    dead += 1
                    let letter = DeadLetter(subscriber: subscriber.id, sequence: event.sequence, type: event.type, subject: event.subject,
                                            attempts: subscriber.maxAttempts, lastError: failure, at: now())
                    try await save(cursor, with: [try Record(kind: DeadLetter.recordKind, id: "\(subscriber.id)/\(event.sequence)", value: letter)])
                } else {
                    delivered += 1
                    try await save(cursor)
                }
            }
            try await save(cursor)
        }
        return (subscriber.id, delivered, dead)
    }

    /// Tries every attempt; nil when one succeeded, else the last error.
    func attempt(_ event: Event, _ subscriber: Subscriber) async -> String? {
        let envelope = EventEnvelope(event)
        var lastError = ""
        for attempt in 1...subscriber.maxAttempts {
            if attempt > 1 {
                do { try await sleep(subscriber.backoff(beforeRetry: attempt - 1)) } catch { return "cancelled: \(error)" }
            }
            do {
                try await delivery.deliver(envelope, to: subscriber)
                return nil
            } catch {
                lastError = "\(error)"
                logger.warning("delivery failed", metadata: ["subscriber": "\(subscriber.id)", "sequence": "\(event.sequence)",
                                                             "attempt": "\(attempt)", "error": "\(error)"])
            }
        }
        return lastError
    }

    func save(_ cursor: SubscriberCursor, with records: [Record] = []) async throws {
        try await metadata.write(WriteBatch(records: records + [try Record(kind: SubscriberCursor.recordKind, id: cursor.subscriber, value: cursor)]))
    }
}
