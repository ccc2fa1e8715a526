import Foundation

/// Everything the storage layer can refuse or fail at.
///
/// Each case carries the path, id or version involved, and its description tells the user how to get
/// out of the situation, because these messages are printed as they are by the CLI and the server.
public enum StoreError: Error, Equatable, Sendable {
    /// A string that should be a blob id is not one (wrong prefix, wrong length, not lower-case hex).
    case invalidBlobID(String)
    /// No blob with this id is stored.
    case blobNotFound(BlobID)
    /// An I/O call failed; `path` names the file and `reason` is the system's message.
    case io(path: String, operation: String, reason: String)
    /// The database was written by a newer Aviary whose migrations this program does not know.
    case databaseTooNew(path: String, found: Int, supported: Int)
    /// An applied migration carries another name than this program's migration of the same number:
    /// the migration list was edited instead of appended to.
    case migrationMismatch(path: String, version: Int, applied: String, expected: String)
    /// The metadata backend failed; `detail` is its message.
    case database(path: String, detail: String)
    /// A record could not be encoded or decoded.
    case recordCoding(kind: String, id: String, detail: String)
    /// A write's precondition failed: another writer got there first. Read again and retry.
    case conflict(kind: String, id: String, expected: String, found: Int?)
}

extension StoreError: CustomStringConvertible {
    public var description: String {
        switch self {
        case .invalidBlobID(let text):
            return "'\(text)' is not a blob id: expected 'sha256:' followed by 64 lower-case hex digits "
                + "(as printed by `aviary blob put` or `aviary blob ls`)"
        case .blobNotFound(let id):
            return "blob \(id) is not in this project's blob store; `aviary blob ls` lists the stored blobs"
        case .io(let path, let operation, let reason):
            return "\(operation) failed for \(path): \(reason)"
        case .databaseTooNew(let path, let found, let supported):
            return "\(path) has schema version \(found), but this aviary understands versions up to "
                + "\(supported): it was written by a newer aviary. Upgrade aviary to open this project."
        case .migrationMismatch(let path, let version, let applied, let expected):
            return "\(path): migration \(version) was applied as '\(applied)' but this aviary calls it "
                + "'\(expected)'. Migrations are append-only; this database and this program disagree on history."
        case .database(let path, let detail):
            return "database \(path): \(detail)"
        case .recordCoding(let kind, let id, let detail):
            return "record \(kind)/\(id) could not be encoded or decoded: \(detail)"
        case .conflict(let kind, let id, let expected, let found):
            return "record \(kind)/\(id) changed under this write (expected \(expected), found "
                + (found.map { "revision \($0)" } ?? "no record") + "): another writer got there first; run the command again"
        }
    }
}
