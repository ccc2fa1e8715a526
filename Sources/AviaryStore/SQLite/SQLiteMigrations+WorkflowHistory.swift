extension SQLiteMigrations {
    /// Execution histories, one row per event, read back in order to resume a crashed execution.
    ///
    /// Numbered 3 because migration 2 belongs to another branch (the model registry). At merge, put
    /// that branch's migration 2 in place of `reservedForAnotherBranch` in `all`; if the numbers
    /// moved, change only `version` here.
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

    /// Holds number 2 on this branch only, so the list stays contiguous until the merge replaces it
    /// with the real migration 2.
    static let reservedForAnotherBranch = Migration(version: 2, name: "reserved for migration 2 of another branch", statements: [])
}
