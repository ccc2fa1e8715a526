import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// History entries: appended with records and events in one transaction, read back in order.
@Suite struct HistoryContractTests {
    func entry(_ subject: String, _ number: Int) -> HistoryEntry {
        HistoryEntry(subject: subject, number: number, type: "T\(number)", time: Date(timeIntervalSince1970: Double(number)),
                     body: Data("{\"id\":\(number)}".utf8))
    }

    @Test(arguments: MetadataBackend.allCases)
    func entriesComeBackInOrderPerSubjectAndPaged(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.write(WriteBatch(history: [entry("a", 2), entry("a", 1), entry("b", 1)]))
        try await store.write(WriteBatch(history: [entry("a", 3)]))
        #expect(try await store.history(of: "a", after: 0, limit: 10).map(\.number) == [1, 2, 3])
        #expect(try await store.history(of: "a", after: 1, limit: 1) == [entry("a", 2)])
        #expect(try await store.history(of: "b", after: 0, limit: 10) == [entry("b", 1)])
        #expect(try await store.history(of: "c", after: 0, limit: 10).isEmpty)
    }

    @Test(arguments: MetadataBackend.allCases)
    func aTakenNumberFailsTheWholeBatch(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.write(WriteBatch(history: [entry("a", 1)]))
        let record = Record(kind: "k", id: "x", body: Data("{}".utf8))
        await #expect(throws: StoreError.self) {
            try await store.write(WriteBatch(records: [record], events: [NewEvent(type: "t", subject: "k/x")], history: [entry("a", 2), entry("a", 1)]))
        }
        #expect(try await store.record(kind: "k", id: "x") == nil)
        #expect(try await store.latestEventSequence() == 0)
        #expect(try await store.history(of: "a", after: 0, limit: 10).map(\.number) == [1])
    }
}
