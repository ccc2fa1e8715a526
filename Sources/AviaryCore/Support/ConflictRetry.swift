import AviaryStore

/// Optimistic concurrency for read-modify-write of records: run `body` (which reads, then writes
/// with preconditions) again while another writer got there first, with a short random pause so
/// that racing processes spread out. After 64 lost races, `exhausted` is thrown.
func retryingConflicts<T>(orThrow exhausted: @autoclosure () -> Error, _ body: () async throws -> T) async throws -> T {
    for attempt in 0..<64 {
        do {
            return try await body()
        } catch StoreError.conflict {
            try await Task.sleep(for: .milliseconds(Int.random(in: 1...(5 + attempt * 5))))
        }
    }
    throw exhausted()
}
