import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// Optimistic concurrency, as every metadata backend must provide it.
@Suite struct PreconditionContractTests {
    @Test(arguments: MetadataBackend.allCases)
    func revisionsCountWrites(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.put(Record(kind: "k", id: "x", body: Data("1".utf8)))
        #expect(try await store.record(kind: "k", id: "x")?.revision == 1)
        try await store.put(Record(kind: "k", id: "x", body: Data("2".utf8)))
        #expect(try await store.record(kind: "k", id: "x")?.revision == 2)
        #expect(try await store.records(kind: "k").map(\.revision) == [2])
    }

    @Test(arguments: MetadataBackend.allCases)
    func aFailedPreconditionWritesNothingAtAll(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.put(Record(kind: "k", id: "taken", body: Data("1".utf8)))
        let batch = WriteBatch(
            preconditions: [.absent(RecordKey(kind: "k", id: "taken"))],
            records: [Record(kind: "k", id: "taken", body: Data("2".utf8)), Record(kind: "k", id: "other", body: Data("3".utf8))],
            events: [NewEvent(type: "k.written", subject: "k/taken")]
        )
        await #expect(throws: StoreError.conflict(kind: "k", id: "taken", expected: "absent", found: 1)) {
            try await store.write(batch)
        }
        #expect(try await store.record(kind: "k", id: "taken")?.body == Data("1".utf8))
        #expect(try await store.record(kind: "k", id: "other") == nil)
        #expect(try await store.latestEventSequence() == 0)
    }

    @Test(arguments: MetadataBackend.allCases)
    func readModifyWriteSucceedsOnceFromTheSameRead(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.put(Record(kind: "k", id: "x", body: Data("draft".utf8)))
        let read = try #require(try await store.record(kind: "k", id: "x"))
        try await store.write(WriteBatch(preconditions: [.unchanged(read)], records: [Record(kind: "k", id: "x", body: Data("a".utf8))]))
        await #expect(throws: StoreError.conflict(kind: "k", id: "x", expected: "revision 1", found: 2)) {
            try await store.write(WriteBatch(preconditions: [.unchanged(read)], records: [Record(kind: "k", id: "x", body: Data("b".utf8))]))
        }
        await #expect(throws: StoreError.conflict(kind: "k", id: "gone", expected: "revision 1", found: nil)) {
            try await store.write(WriteBatch(preconditions: [.revision(RecordKey(kind: "k", id: "gone"), 1)]))
        }
        #expect(try await store.record(kind: "k", id: "x")?.body == Data("a".utf8))
        #expect(StoreError.conflict(kind: "k", id: "x", expected: "revision 1", found: 2).description
            == "record k/x changed under this write (expected revision 1, found revision 2): another writer got there first; run the command again")
    }
}
