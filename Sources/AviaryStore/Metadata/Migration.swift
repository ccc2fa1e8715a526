/// One step of a backend's schema history.
///
/// Migrations are numbered from 1 and only ever appended: a shipped migration is never edited, so
/// every database's history is a prefix of the program's. The schema version is the highest number
/// applied; a database whose version is above the program's newest was written by a newer program and
/// is refused rather than misread.
public struct Migration: Sendable {
    public var version: Int
    public var name: String
    public var statements: [String]

    public init(version: Int, name: String, statements: [String]) {
        self.version = version
        self.name = name
        self.statements = statements
    }
}

extension Array where Element == Migration {
    /// Checks that versions run 1, 2, 3… with no gap: a programming error, caught by the tests.
    func assertContiguous() {
        for (index, migration) in enumerated() {
            precondition(migration.version == index + 1, "migration \(migration.name) is numbered \(migration.version), expected \(index + 1)")
        }
    }
}
