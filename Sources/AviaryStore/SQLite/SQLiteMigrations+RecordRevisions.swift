extension SQLiteMigrations {
    /// Every record counts its writes, so that a writer can say "only if nobody changed it since I
    /// read it" (optimistic concurrency: approvals, version numbering) without holding a lock.
    static let recordRevisions = Migration(version: 2, name: "record revisions", statements: [
        "ALTER TABLE records ADD COLUMN revision INTEGER NOT NULL DEFAULT 1",
    ])
}
