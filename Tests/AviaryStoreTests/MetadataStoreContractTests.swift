import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// What every metadata backend must do. Each test runs once per backend.
@Suite struct MetadataStoreContractTests {
    let blobA = try! BlobID(parsing: "sha256:" + String(repeating: "a", count: 64))
    let blobB = try! BlobID(parsing: "sha256:" + String(repeating: "b", count: 64))

    @Test(arguments: MetadataBackend.allCases)
    func aNewStoreIsAtTheNewestSchemaAndEmpty(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        #expect(try await store.schemaVersion() == SQLiteMetadataStore.supportedSchemaVersion)
        #expect(try await store.recordCounts().isEmpty)
        #expect(try await store.latestEventSequence() == 0)
        #expect(try await store.blobReferences().isEmpty)
    }

    @Test(arguments: MetadataBackend.allCases)
    func recordsRoundTrip(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let created = Date(timeIntervalSince1970: 1_790_000_000.25)
        let record = Record(kind: "dataset.version", id: "v1", body: Data(#"{"items":3}"#.utf8),
                            blobs: [blobB, blobA], createdAt: created)
        try await store.put(record)
        let read = try #require(try await store.record(kind: "dataset.version", id: "v1"))
        #expect(read.body == record.body)
        #expect(read.blobs == [blobA, blobB])
        #expect(abs(read.createdAt.timeIntervalSince(created)) < 0.001)
        #expect(try await store.record(kind: "dataset.version", id: "v2") == nil)
        #expect(try await store.record(kind: "model.version", id: "v1") == nil)
    }

    @Test(arguments: MetadataBackend.allCases)
    func replacingARecordKeepsItsCreationTimeAndReplacesItsBlobs(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let created = Date(timeIntervalSince1970: 1_000)
        try await store.put(Record(kind: "k", id: "x", body: Data("1".utf8), blobs: [blobA], createdAt: created))
        try await store.put(Record(kind: "k", id: "x", body: Data("2".utf8), blobs: [blobB], createdAt: Date(timeIntervalSince1970: 2_000)))
        let read = try #require(try await store.record(kind: "k", id: "x"))
        #expect(read.body == Data("2".utf8))
        #expect(read.createdAt == created)
        #expect(read.updatedAt == Date(timeIntervalSince1970: 2_000))
        #expect(try await store.blobReferences() == [BlobReference(kind: "k", id: "x", blob: blobB)])
    }

    @Test(arguments: MetadataBackend.allCases)
    func listsRecordsOfAKindOldestFirstAndCountsEveryKind(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        for (index, id) in ["c", "a", "b"].enumerated() {
            try await store.put(Record(kind: "run", id: id, body: Data("{}".utf8), createdAt: Date(timeIntervalSince1970: Double(index))))
        }
        try await store.put(Record(kind: "model", id: "m", body: Data("{}".utf8)))
        #expect(try await store.records(kind: "run").map(\.id) == ["c", "a", "b"])
        #expect(try await store.recordCounts() == ["run": 3, "model": 1])
    }

    @Test(arguments: MetadataBackend.allCases)
    func typedValuesRoundTripThroughJSONBodies(_ backend: MetadataBackend) async throws {
        struct Version: Codable, Equatable { var name: String; var accuracy: Double }
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await store.put(try Record(kind: "model.version", id: "birds/3", value: Version(name: "birds", accuracy: 0.913)))
        let read = try #require(try await store.record(kind: "model.version", id: "birds/3"))
        #expect(String(decoding: read.body, as: UTF8.self) == #"{"accuracy":0.913,"name":"birds"}"#)
        #expect(try read.decode(Version.self) == Version(name: "birds", accuracy: 0.913))
    }

    @Test(arguments: MetadataBackend.allCases)
    func eventsGetIncreasingSequenceNumbersAndPageInOrder(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        var sequences: [Int64] = []
        for index in 0..<5 {
            sequences.append(try await store.append(NewEvent(type: "model.approved", subject: "model.version/\(index)")).sequence)
        }
        #expect(sequences == [1, 2, 3, 4, 5])
        #expect(try await store.events(after: 2, limit: 2).map(\.subject) == ["model.version/2", "model.version/3"])
        #expect(try await store.latestEventSequence() == 5)
    }

    @Test(arguments: MetadataBackend.allCases)
    func aBatchWritesRecordsAndEventsTogether(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let stored = try await store.write(WriteBatch(
            records: [Record(kind: "k", id: "1", body: Data("{}".utf8)), Record(kind: "k", id: "2", body: Data("{}".utf8))],
            events: [NewEvent(type: "a", subject: "k/1"), NewEvent(type: "b", subject: "k/2", payload: Data(#"{"n":1}"#.utf8))]))
        #expect(stored.map(\.sequence) == [1, 2])
        #expect(try await store.events(after: 0, limit: 10).map(\.payload) == [Data("{}".utf8), Data(#"{"n":1}"#.utf8)])
        #expect(try await store.recordCounts() == ["k": 2])
    }

    @Test(arguments: MetadataBackend.allCases)
    func concurrentWritersGetDistinctSequenceNumbers(_ backend: MetadataBackend) async throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<8 {
                group.addTask {
                    for index in 0..<25 {
                        try await store.write(WriteBatch(records: [Record(kind: "w", id: "\(writer)-\(index)", body: Data("{}".utf8))],
                                                         events: [NewEvent(type: "w", subject: "w/\(writer)-\(index)")]))
                    }
                }
            }
            try await group.waitForAll()
        }
        let events = try await store.events(after: 0, limit: 1_000)
        #expect(events.map(\.sequence) == Array(1...200))
        #expect(Set(events.map(\.subject)).count == 200)
        #expect(try await store.recordCounts() == ["w": 200])
    }
}
