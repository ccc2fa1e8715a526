import Foundation
import GRDB

extension SQLiteMetadataStore {
    public func history(of subject: String, after number: Int, limit: Int) async throws -> [HistoryEntry] {
        try await access {
            try await pool.read { db in
                try Row.fetchAll(
                    db, sql: "SELECT * FROM history WHERE subject = ? AND number > ? ORDER BY number LIMIT ?",
                    arguments: [subject, number, limit]
                ).map { row in
                    HistoryEntry(subject: row["subject"], number: row["number"], type: row["type"],
                                 time: Date(timeIntervalSince1970: row["time"]), body: row["body"])
                }
            }
        }
    }

    /// Appends with one prepared statement: an execution's group commit writes hundreds of rows at once.
    static func append(_ entries: [HistoryEntry], in db: Database) throws {
        let statement = try db.cachedStatement(sql: "INSERT INTO history (subject, number, type, time, body) VALUES (?, ?, ?, ?, ?)")
        for entry in entries {
            try statement.execute(arguments: [entry.subject, entry.number, entry.type, entry.time.timeIntervalSince1970, entry.body])
        }
    }
}
