import Foundation
import GRDB

extension SQLiteMetadataStore {
    /// Applies the migrations this database lacks, after checking that its history is a prefix of
    /// `migrations`. Runs in one immediate transaction, so two processes opening a new project at
    /// once cannot both migrate it.
    func migrate(to migrations: [Migration]) throws {
        migrations.assertContiguous()
        try syncAccess {
            try pool.writeWithoutTransaction { db in
                try db.inTransaction(.immediate) {
                    try db.execute(sql: SQLiteMigrations.historyTable)
                    let applied = try Row.fetchAll(db, sql: "SELECT version, name FROM aviary_schema_migrations ORDER BY version")
                    if let newest = applied.last.map({ $0["version"] as Int }), newest > migrations.count {
                        throw StoreError.databaseTooNew(path: path, found: newest, supported: migrations.count)
                    }
                    for row in applied {
                        let version: Int = row["version"]
                        let name: String = row["name"]
                        let expected = migrations[version - 1].name
                        if name != expected {
                            throw StoreError.migrationMismatch(path: path, version: version, applied: name, expected: expected)
                        }
                    }
                    for migration in migrations.dropFirst(applied.count) {
                        for statement in migration.statements { try db.execute(sql: statement) }
                        try db.execute(sql: "INSERT INTO aviary_schema_migrations (version, name, applied_at) VALUES (?, ?, ?)",
                                       arguments: [migration.version, migration.name, Date().timeIntervalSince1970])
                    }
                    return .commit
                }
            }
        }
    }

    static func appliedVersion(_ db: Database) throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COALESCE(MAX(version), 0) FROM aviary_schema_migrations") ?? 0
    }

    func syncAccess<T>(_ body: () throws -> T) throws -> T {
        do {
            return try body()
        } catch let error as StoreError {
            throw error
        } catch {
            throw StoreError.database(path: path, detail: Self.describe(error))
        }
    }
}
