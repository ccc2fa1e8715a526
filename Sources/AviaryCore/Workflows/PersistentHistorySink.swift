import AviaryJSON
import AviaryStore
import AviaryWorkflow
import Foundation
import Synchronization

/// Persists an execution's history event by event, in order, with group commit.
///
/// The interpreter records events synchronously; they queue here and one writer loop (`run()`,
/// a child task of the execution) drains the whole queue into one transaction at a time. While a
/// transaction is being fsynced the next events pile up and go in the next one, so the commit rate
/// adapts to the disk instead of costing one fsync per event.
///
/// The guarantee: events reach the database in order and without gaps. A crash loses at most the
/// events recorded since the last commit; those were never acknowledged to anyone, because
/// `flush()` runs before every Task calls its function (so no side effect happens before the
/// history leading to it is durable) and the final status is written in the same transaction as
/// the last events. Resuming re-runs from the last persisted point.
final class PersistentHistorySink: ExecutionHistorySink {
    private struct Queue {
        var pending: [HistoryEvent] = []
        var lastAcceptedId: Int
        /// Whether the engine recorded the execution's end (ExecutionSucceeded, …Failed, …TimedOut).
        var ended = false
        var accepting = true
        var failure: (any Error)?
    }

    private enum Request {
        case drain
        case flush(extra: WriteBatch, done: CheckedContinuation<Void, any Error>)
    }

    let subject: String
    private let store: any MetadataStore
    private let queue: Mutex<Queue>
    private let requests: AsyncStream<Request>
    private let requestContinuation: AsyncStream<Request>.Continuation
    /// How many history rows have been committed; for tests and benchmarks.
    private let committed = Atomic<Int>(0)
    private let commits = Atomic<Int>(0)

    init(store: any MetadataStore, subject: String, lastPersistedId: Int = 0) {
        self.store = store
        self.subject = subject
        queue = Mutex(Queue(lastAcceptedId: lastPersistedId))
        (requests, requestContinuation) = AsyncStream.makeStream(of: Request.self)
    }

    func record(_ event: HistoryEvent) {
        let wake = queue.withLock { q -> Bool in
            guard q.accepting else { return false }
            q.pending.append(event)
            q.lastAcceptedId = event.id
            if event.scope.isEmpty && Self.endings.contains(event.type) { q.ended = true }
            return q.pending.count == 1
        }
        if wake { requestContinuation.yield(.drain) }
    }

    private static let endings: Set<String> = [
        HistoryEventType.executionSucceeded, HistoryEventType.executionFailed, HistoryEventType.executionTimedOut,
    ]

    /// Drops every event recorded from now on: an aborted execution's interpreter may still be
    /// unwinding, and nothing it records after the abort belongs in the history. Returns the last
    /// accepted event's id, and whether the execution had already ended (then the abort comes too
    /// late and the engine's own ending stands).
    func stopAccepting() -> (lastEventId: Int, ended: Bool) {
        queue.withLock { q in
            q.accepting = false
            return (q.lastAcceptedId, q.ended)
        }
    }

    /// Returns once every event recorded so far is committed.
    func flush() async throws {
        try await flush(with: WriteBatch())
    }

    /// Commits every event recorded so far together with `extra` (the final status record and its
    /// event-log event), in one transaction.
    func flush(with extra: WriteBatch) async throws {
        try await withCheckedThrowingContinuation { (done: CheckedContinuation<Void, any Error>) in
            requestContinuation.yield(.flush(extra: extra, done: done))
        }
    }

    /// Ends the writer loop once the requests already queued are served.
    func close() {
        requestContinuation.finish()
    }

    var committedEvents: Int { committed.load(ordering: .relaxed) }
    var commitCount: Int { commits.load(ordering: .relaxed) }

    /// The writer loop: the only place that writes this execution's history, so commits are ordered.
    func run() async {
        for await request in requests {
            switch request {
            case .drain:
                do { try await commitPending(extra: WriteBatch()) } catch { queue.withLock { $0.failure = error } }
            case .flush(let extra, let done):
                do {
                    if let failure = queue.withLock({ $0.failure }) { throw failure }
                    try await commitPending(extra: extra)
                    done.resume()
                } catch {
                    queue.withLock { $0.failure = error }
                    done.resume(throwing: error)
                }
            }
        }
    }

    private func commitPending(extra: WriteBatch) async throws {
        let events = queue.withLock { q -> [HistoryEvent] in
            defer { q.pending.removeAll(keepingCapacity: true) }
            return q.pending
        }
        guard !events.isEmpty || !extra.records.isEmpty || !extra.events.isEmpty || !extra.history.isEmpty else { return }
        var batch = extra
        batch.history = events.map { Self.entry($0, subject: subject) } + extra.history
        try await store.write(batch)
        committed.add(batch.history.count, ordering: .relaxed)
        commits.add(1, ordering: .relaxed)
    }

    static func entry(_ event: HistoryEvent, subject: String) -> HistoryEntry {
        HistoryEntry(subject: subject, number: event.id, type: event.type, time: Date(timeIntervalSince1970: event.timestamp),
                     body: Data(event.awsJSON.serialized().utf8))
    }
}

/// Makes the history leading to a Task durable before the Task's function runs: a function's side
/// effects must never precede the record of the execution reaching it.
struct WriteAheadInvoker: TaskInvoker {
    let inner: any TaskInvoker
    let history: PersistentHistorySink

    func invoke(resource: String, parameters: AviaryJSON.JSONValue) async throws -> AviaryJSON.JSONValue {
        try await history.flush()
        return try await inner.invoke(resource: resource, parameters: parameters)
    }
}
