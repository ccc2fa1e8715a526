/// What a writer expects of a record when it commits: optimistic concurrency for read-modify-write
/// (approving a version) and for claiming a fresh id (numbering versions) across processes.
public enum RecordPrecondition: Hashable, Sendable {
    /// No record has this key yet.
    case absent(RecordKey)
    /// The record exists and has not been written since it was read at this revision.
    case revision(RecordKey, Int)

    public static func unchanged(_ record: Record) -> RecordPrecondition {
        .revision(RecordKey(kind: record.kind, id: record.id), record.revision)
    }

    public var key: RecordKey {
        switch self {
        case .absent(let key), .revision(let key, _): key
        }
    }

    /// What the writer expected, for messages: `absent` or `revision 3`.
    public var expectation: String {
        switch self {
        case .absent: "absent"
        case .revision(_, let revision): "revision \(revision)"
        }
    }

    public func holds(currentRevision: Int?) -> Bool {
        switch self {
        case .absent: currentRevision == nil
        case .revision(_, let expected): currentRevision == expected
        }
    }
}

extension Record {
    /// The record as read at `revision`.
    public func with(revision: Int) -> Record {
        var copy = self
        copy.revision = revision
        return copy
    }
}
