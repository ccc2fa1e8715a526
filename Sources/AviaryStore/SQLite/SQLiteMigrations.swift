/// The SQLite schema history. Append new migrations at the end; never edit a shipped one.
enum SQLiteMigrations {
    static let all: [Migration] = [
        Migration(version: 1, name: "records, blob references and the event log", statements: [
            """
            CREATE TABLE records (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                body BLOB NOT NULL,
                created_at REAL NOT NULL,
                updated_at REAL NOT NULL,
                PRIMARY KEY (kind, id)
            )
            """,
            """
            CREATE TABLE record_blobs (
                kind TEXT NOT NULL,
                id TEXT NOT NULL,
                blob TEXT NOT NULL,
                PRIMARY KEY (kind, id, blob),
                FOREIGN KEY (kind, id) REFERENCES records (kind, id) ON DELETE CASCADE
            )
            """,
            "CREATE INDEX record_blobs_by_blob ON record_blobs (blob)",
            """
            CREATE TABLE events (
                sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                type TEXT NOT NULL,
                subject TEXT NOT NULL,
                payload BLOB NOT NULL,
                time REAL NOT NULL
            )
            """,
        ]),
        recordRevisions,
        workflowHistory,
    ]

    /// The table that records which migrations a database has had.
    static let historyTable = """
        CREATE TABLE IF NOT EXISTS aviary_schema_migrations (
            version INTEGER PRIMARY KEY,
            name TEXT NOT NULL,
            applied_at REAL NOT NULL
        )
        """
}
