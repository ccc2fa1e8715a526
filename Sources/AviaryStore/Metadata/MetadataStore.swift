import Foundation

/// Where Aviary keeps what it knows about its blobs: datasets, runs, models, approvals, events.
///
/// The domain talks only to this protocol. The embedded default is SQLite; a PostgreSQL backend
/// implements the same requirements later, and one set of contract tests runs against every backend.
/// Requirements are `async` because networked backends are.
public protocol MetadataStore: Sendable {
    /// The backend and its location, such as `sqlite:///p/.aviary/aviary.sqlite`.
    var location: String { get }

    /// The schema version of the open database: the number of the newest applied migration.
    func schemaVersion() async throws -> Int

    /// Inserts or replaces records, deletes records and appends events in one atomic transaction.
    /// Returns the events as stored, with their sequence numbers.
    @discardableResult
    func write(_ batch: WriteBatch) async throws -> [Event]

    /// One record, or nil when none has this kind and id.
    func record(kind: String, id: String) async throws -> Record?

    /// Every record of one kind, oldest first.
    func records(kind: String) async throws -> [Record]

    /// How many records each kind holds.
    func recordCounts() async throws -> [String: Int]

    /// Every reference from a record to a blob, for `fsck` and garbage collection.
    func blobReferences() async throws -> [BlobReference]

    /// Events with a sequence number greater than `sequence`, in order, at most `limit` of them.
    func events(after sequence: Int64, limit: Int) async throws -> [Event]

    /// The sequence number of the newest event, 0 when the log is empty.
    func latestEventSequence() async throws -> Int64

    /// A subject's history entries numbered above `number`, in order, at most `limit` of them.
    func history(of subject: String, after number: Int, limit: Int) async throws -> [HistoryEntry]
}

extension MetadataStore {
    /// Stores one record.
    public func put(_ record: Record) async throws {
        try await write(WriteBatch(records: [record]))
    }

    /// Appends one event and returns it with its sequence number.
    @discardableResult
    public func append(_ event: NewEvent) async throws -> Event {
        try await write(WriteBatch(events: [event]))[0]
    }
}

/// Records written and deleted, events appended and history entries appended, together: either all
/// of it lands or none does. Preconditions are checked first, in the same transaction; one that does
/// not hold fails the batch with `StoreError.conflict` and writes nothing.
public struct WriteBatch: Sendable {
    public var preconditions: [RecordPrecondition]
    public var records: [Record]
    public var deletions: [RecordKey]
    public var events: [NewEvent]
    /// Appended to their subjects' histories; a number already taken fails the whole batch.
    public var history: [HistoryEntry]

    public init(preconditions: [RecordPrecondition] = [], records: [Record] = [], deletions: [RecordKey] = [],
                events: [NewEvent] = [], history: [HistoryEntry] = []) {
        self.preconditions = preconditions
        self.records = records
        self.deletions = deletions
        self.events = events
        self.history = history
    }
}

/// The identity of a record: its kind and its id within that kind.
public struct RecordKey: Hashable, Sendable, Codable {
    public var kind: String
    public var id: String

    public init(kind: String, id: String) {
        self.kind = kind
        self.id = id
    }
}

/// A reference from a record to a blob it needs.
public struct BlobReference: Hashable, Sendable, Codable {
    public var kind: String
    public var id: String
    public var blob: BlobID

    public init(kind: String, id: String, blob: BlobID) {
        self.kind = kind
        self.id = id
        self.blob = blob
    }
}
