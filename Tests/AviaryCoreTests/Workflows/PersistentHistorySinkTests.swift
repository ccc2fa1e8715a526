@testable import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import AviaryWorkflow
import Foundation
import Testing

/// Group commit: events recorded faster than the disk commits share transactions, arrive in order
/// and without gaps, and the final batch lands with the last events.
@Suite struct PersistentHistorySinkTests {
    static func event(_ id: Int) -> HistoryEvent {
        HistoryEvent(awsJSON: .object(JSONObject([
            ("id", .int(id)), ("previousEventId", .int(id - 1)), ("timestamp", .double(1_700_000_000 + Double(id))),
            ("type", "PassStateEntered"),
            ("stateEnteredEventDetails", .object(JSONObject([("name", .string("S\(id)")), ("input", "{}")]))),
        ])))!
    }

    @Test func eventsRecordedInABurstShareCommitsAndKeepTheirOrder() async throws {
        let store = try MetadataBackend.sqlite.makeStore(in: TemporaryDirectory())
        let sink = PersistentHistorySink(store: store, subject: "workflow.execution/x")
        let count = 3_000
        async let writer: Void = sink.run()
        for id in 1...count { sink.record(Self.event(id)) }
        let final = Record(kind: "k", id: "done", body: Data("{}".utf8))
        try await sink.flush(with: WriteBatch(records: [final], events: [NewEvent(type: "t", subject: "k/done")]))
        sink.close()
        await writer
        #expect(sink.committedEvents == count)
        #expect(sink.commitCount < count / 10, "\(sink.commitCount) commits for \(count) events: not grouped")
        let stored = try await store.history(of: "workflow.execution/x", after: 0, limit: 10_000)
        #expect(stored.map(\.number) == Array(1...count))
        #expect(stored.map { HistoryEvent(awsJSON: try! JSONParser.parse(String(decoding: $0.body, as: UTF8.self))) } == (1...count).map(Self.event))
        #expect(try await store.record(kind: "k", id: "done") != nil)
    }

    @Test func eventsAfterStopAcceptingAreDropped() async throws {
        let store = try MetadataBackend.sqlite.makeStore(in: TemporaryDirectory())
        let sink = PersistentHistorySink(store: store, subject: "s", lastPersistedId: 4)
        async let writer: Void = sink.run()
        sink.record(Self.event(5))
        #expect(sink.stopAccepting() == (5, false))
        sink.record(Self.event(6))
        try await sink.flush()
        sink.close()
        await writer
        #expect(try await store.history(of: "s", after: 0, limit: 10).map(\.number) == [5])
    }
}
