extension SQLiteMigrations {
    /// Execution histories, one row per event, read back in order to resume a crashed execution.
    static let workflowHistory = Migration(version: 3, name: "workflow execution history", statements: [
        """
        CREATE TABLE history (
            subject TEXT NOT NULL,
            number INTEGER NOT NULL,
            type TEXT NOT NULL,
            time REAL NOT NULL,
            body BLOB NOT NULL,
            PRIMARY KEY (subject, number)
        ) WITHOUT ROWID
        """,
    ])
}
