import Foundation
import GRDB

/// The embedded metadata store: one SQLite file in WAL mode.
///
/// Several processes may open the same file: writes take SQLite's write lock up front (`BEGIN
/// IMMEDIATE`) and wait for it up to the busy timeout, and `synchronous = FULL` makes a committed
/// transaction survive a crash of the process or of the machine.
public final class SQLiteMetadataStore: MetadataStore {
    public let path: String
    let pool: DatabasePool

    /// The migrations this program knows; the last one's number is the newest schema it understands.
    public static var migrations: [Migration] { SQLiteMigrations.all }
    public static var supportedSchemaVersion: Int { SQLiteMigrations.all.count }

    /// Opens (creating when absent) the database at `path` and brings its schema up to date.
    public convenience init(path: String, busyTimeout: TimeInterval = 30) throws {
        try self.init(path: path, busyTimeout: busyTimeout, migrations: SQLiteMigrations.all)
    }

    /// Opens the database with an explicit migration list; tests use it to play a newer or an edited program.
    init(path: String, busyTimeout: TimeInterval, migrations: [Migration]) throws {
        self.path = path
        var configuration = Configuration()
        configuration.busyMode = .timeout(busyTimeout)
        configuration.prepareDatabase { db in
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        do {
            pool = try DatabasePool(path: path, configuration: configuration)
        } catch {
            throw StoreError.database(path: path, detail: "cannot open: \(Self.describe(error))")
        }
        try migrate(to: migrations)
    }

    public var location: String { "sqlite://" + path }

    public func schemaVersion() async throws -> Int {
        try await access { try await pool.read(Self.appliedVersion) }
    }

    @discardableResult
    public func write(_ batch: WriteBatch) async throws -> [Event] {
        try await access {
            try await pool.writeWithoutTransaction { db in
                var stored: [Event] = []
                try db.inTransaction(.immediate) {
                    for precondition in batch.preconditions { try Self.check(precondition, in: db) }
                    for precondition in batch.preconditions { try Self.check(precondition, in: db) }
                    for record in batch.records { try Self.upsert(record, in: db) }
                    for key in batch.deletions {
                        try db.execute(sql: "DELETE FROM records WHERE kind = ? AND id = ?", arguments: [key.kind, key.id])
                    }
                    for event in batch.events { stored.append(try Self.append(event, in: db)) }
                    if !batch.history.isEmpty { try Self.append(batch.history, in: db) }
                    return .commit
                }
                return stored
            }
        }
    }

    public func record(kind: String, id: String) async throws -> Record? {
        try await access {
            try await pool.read { db in
                try Row.fetchOne(db, sql: "SELECT * FROM records WHERE kind = ? AND id = ?", arguments: [kind, id])
                    .map { try Self.record(from: $0, in: db) }
            }
        }
    }

    public func records(kind: String) async throws -> [Record] {
        try await access {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT * FROM records WHERE kind = ? ORDER BY created_at, rowid", arguments: [kind])
                    .map { try Self.record(from: $0, in: db) }
            }
        }
    }

    public func recordCounts() async throws -> [String: Int] {
        try await access {
            try await pool.read { db in
                var counts: [String: Int] = [:]
                for row in try Row.fetchAll(db, sql: "SELECT kind, COUNT(*) AS n FROM records GROUP BY kind") {
                    counts[row["kind"]] = row["n"]
                }
                return counts
            }
        }
    }

    public func blobReferences() async throws -> [BlobReference] {
        try await access {
            try await pool.read { db in
                try Row.fetchAll(db, sql: "SELECT kind, id, blob FROM record_blobs ORDER BY blob, kind, id").map { row in
                    BlobReference(kind: row["kind"], id: row["id"], blob: try BlobID(parsing: row["blob"]))
                }
            }
        }
    }

    public func events(after sequence: Int64, limit: Int) async throws -> [Event] {
        try await access {
            try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM events WHERE sequence > ? ORDER BY sequence LIMIT ?", arguments: [sequence, limit]
                ).map { row in
                    Event(sequence: row["sequence"], type: row["type"], subject: row["subject"],
                          payload: row["payload"], time: Date(timeIntervalSince1970: row["time"]))
                }
            }
        }
    }

    public func latestEventSequence() async throws -> Int64 {
        try await access {
            try await pool.read { db in try Int64.fetchOne(db, sql: "SELECT COALESCE(MAX(sequence), 0) FROM events") ?? 0 }
        }
    }
}

// MARK: - Rows

extension SQLiteMetadataStore {
    static func upsert(_ record: Record, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO records (kind, id, body, created_at, updated_at) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT (kind, id) DO UPDATE SET body = excluded.body, updated_at = excluded.updated_at,
                revision = records.revision + 1
            """, arguments: [record.kind, record.id, record.body,
                             record.createdAt.timeIntervalSince1970, record.updatedAt.timeIntervalSince1970])
        try db.execute(sql: "DELETE FROM record_blobs WHERE kind = ? AND id = ?", arguments: [record.kind, record.id])
        for blob in Set(record.blobs) {
            try db.execute(sql: "INSERT INTO record_blobs (kind, id, blob) VALUES (?, ?, ?)",
                           arguments: [record.kind, record.id, blob.description])
        }
    }

    static func append(_ event: NewEvent, in db: Database) throws -> Event {
        try db.execute(sql: "INSERT INTO events (type, subject, payload, time) VALUES (?, ?, ?, ?)",
                       arguments: [event.type, event.subject, event.payload, event.time.timeIntervalSince1970])
        return Event(sequence: db.lastInsertedRowID, type: event.type, subject: event.subject,
                     payload: event.payload, time: event.time)
    }

    static func record(from row: Row, in db: Database) throws -> Record {
        let kind: String = row["kind"]
        let id: String = row["id"]
        let blobs = try String.fetchAll(db, sql: "SELECT blob FROM record_blobs WHERE kind = ? AND id = ? ORDER BY blob",
                                        arguments: [kind, id]).map(BlobID.init(parsing:))
        return Record(kind: kind, id: id, body: row["body"], blobs: blobs,
                      createdAt: Date(timeIntervalSince1970: row["created_at"]),
                      updatedAt: Date(timeIntervalSince1970: row["updated_at"]))
            .with(revision: row["revision"])
    }

    /// Throws `StoreError.conflict` when the record is not as the writer expected; runs inside the
    /// write transaction, so nothing can change between the check and the write.
    static func check(_ precondition: RecordPrecondition, in db: Database) throws {
        let key = precondition.key
        let current = try Int.fetchOne(db, sql: "SELECT revision FROM records WHERE kind = ? AND id = ?", arguments: [key.kind, key.id])
        guard precondition.holds(currentRevision: current) else {
            throw StoreError.conflict(kind: key.kind, id: key.id, expected: precondition.expectation, found: current)
        }
    }

    /// Runs a database call, turning GRDB's errors into `StoreError`s that name this database.
    func access<T>(_ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(path: path, detail: Self.describe(error))
        }
    }

    static func describe(_ error: Error) -> String {
        if let error = error as? DatabaseError { return error.message ?? "\(error.resultCode)" }
        return "\(error)"
    }
}
