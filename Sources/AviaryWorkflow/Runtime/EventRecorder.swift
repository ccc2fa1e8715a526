import Synchronization

/// Numbers events and forwards them to the sink under one lock, so ids are dense and the
/// sink sees them in order even when Map iterations and Parallel branches run concurrently.
final class EventRecorder: Sendable {
    private struct Counter { var lastId: Int }
    private let counter: Mutex<Counter>
    private let sink: any ExecutionHistorySink
    private let clock: any WorkflowClock

    init(sink: any ExecutionHistorySink, clock: any WorkflowClock, lastId: Int = 0) {
        self.sink = sink
        self.clock = clock
        counter = Mutex(Counter(lastId: lastId))
    }

    /// Records an event and returns its id.
    @discardableResult
    func record(_ type: String, _ details: HistoryEvent.Details, scope: String, previous: Int? = nil) -> Int {
        let now = clock.now()
        return counter.withLock { c in
            c.lastId += 1
            let event = HistoryEvent(
                id: c.lastId, previousEventId: previous ?? c.lastId - 1, timestamp: now, type: type,
                details: details, scope: scope)
            sink.record(event)
            return c.lastId
        }
    }
}
