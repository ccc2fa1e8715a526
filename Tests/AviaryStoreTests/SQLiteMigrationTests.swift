@testable import AviaryStore
import AviaryTestSupport
import Foundation
import GRDB
import Testing

@Suite struct SQLiteMigrationTests {
    @Test func migrationsAreNumberedFromOneWithoutGaps() {
        #expect(SQLiteMetadataStore.migrations.map(\.version) == Array(1...SQLiteMetadataStore.migrations.count))
    }

    @Test func reopeningAppliesNothingTwiceAndKeepsData() async throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a.sqlite").path
        try await SQLiteMetadataStore(path: path).put(Record(kind: "k", id: "1", body: Data("{}".utf8)))
        let reopened = try SQLiteMetadataStore(path: path)
        #expect(try await reopened.schemaVersion() == SQLiteMetadataStore.supportedSchemaVersion)
        #expect(try await reopened.recordCounts() == ["k": 1])
        let applied = try await reopened.pool.read { try Int.fetchOne($0, sql: "SELECT COUNT(*) FROM aviary_schema_migrations") }
        #expect(applied == SQLiteMetadataStore.supportedSchemaVersion)
    }

    @Test func usesWriteAheadLogging() async throws {
        let store = try SQLiteMetadataStore(path: TemporaryDirectory().file("a.sqlite").path)
        #expect(try await store.pool.read { try String.fetchOne($0, sql: "PRAGMA journal_mode") } == "wal")
    }

    @Test func aDatabaseFromANewerProgramIsRefused() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a.sqlite").path
        let newer = SQLiteMetadataStore.migrations + [Migration(version: SQLiteMetadataStore.migrations.count + 1, name: "from the future", statements: ["CREATE TABLE future (x)"])]
        _ = try SQLiteMetadataStore(path: path, busyTimeout: 1, migrations: newer)
        let current = SQLiteMetadataStore.supportedSchemaVersion
        #expect(throws: StoreError.databaseTooNew(path: path, found: current + 1, supported: current)) {
            try SQLiteMetadataStore(path: path)
        }
        #expect(StoreError.databaseTooNew(path: "/p/aviary.sqlite", found: 3, supported: 2).description
            == "/p/aviary.sqlite has schema version 3, but this aviary understands versions up to 2: it was written by a newer aviary. Upgrade aviary to open this project.")
    }

    @Test func anEditedMigrationIsDetected() throws {
        let directory = TemporaryDirectory()
        let path = directory.file("a.sqlite").path
        _ = try SQLiteMetadataStore(path: path)
        var edited = SQLiteMetadataStore.migrations
        edited[0].name = "renamed"
        #expect(throws: StoreError.migrationMismatch(path: path, version: 1, applied: SQLiteMetadataStore.migrations[0].name, expected: "renamed")) {
            try SQLiteMetadataStore(path: path, busyTimeout: 1, migrations: edited)
        }
    }

    @Test func aFileThatIsNotADatabaseIsNamedInTheError() throws {
        let directory = TemporaryDirectory()
        let path = try directory.write("a.sqlite", Data(repeating: 0x41, count: 4096)).path
        do {
            _ = try SQLiteMetadataStore(path: path)
            Issue.record("a non-database file was opened")
        } catch let error as StoreError {
            guard case .database(let failedPath, let detail) = error else { Issue.record("unexpected \(error)"); return }
            #expect(failedPath == path)
            #expect(detail.contains("not a database"))
        }
    }
}
