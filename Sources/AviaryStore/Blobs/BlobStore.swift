import Foundation

/// Content-addressed storage for the bytes Aviary keeps: images, manifests, models, checkpoints.
///
/// A blob's id is the SHA-256 of its bytes, so the same content is stored once and a blob can never
/// change under its id. Implementations stream in both directions so that a blob never has to fit in
/// memory; the filesystem backend is the embedded default, and an S3-compatible one comes later behind
/// the same protocol and the same contract tests.
public protocol BlobStore: Sendable {
    /// A short human-readable location, such as `file:///p/.aviary/blobs`.
    var location: String { get }

    /// Stores everything `source` yields, chunk by chunk, and returns the id of the content.
    /// Storing content that is already present is cheap and returns the same id.
    func put(from source: some BlobSource) throws -> BlobInfo

    /// Stores several sources; backends that can make many blobs durable at once do so.
    func put(batch sources: [some BlobSource]) throws -> [BlobInfo]

    /// Streams a blob to `sink`, chunk by chunk, in order.
    func read(_ id: BlobID, into sink: (UnsafeRawBufferPointer) throws -> Void) throws

    /// Information about a stored blob, or nil when it is absent.
    func info(_ id: BlobID) throws -> BlobInfo?

    /// Every stored blob, in id order.
    func list() throws -> [BlobInfo]

    /// Re-hashes a stored blob and says whether its content still matches its id.
    func verify(_ id: BlobID) throws -> BlobHealth
}

/// What a blob store knows about one blob.
public struct BlobInfo: Hashable, Sendable, Codable {
    public var id: BlobID
    public var size: Int64

    public init(id: BlobID, size: Int64) {
        self.id = id
        self.size = size
    }
}

/// The outcome of re-hashing one blob.
public enum BlobHealth: Hashable, Sendable {
    case intact
    case missing
    /// The stored bytes hash to `actual`, not to the id they are stored under.
    case corrupt(actual: BlobID)
}

extension BlobStore {
    public func put(batch sources: [some BlobSource]) throws -> [BlobInfo] {
        try sources.map { try put(from: $0) }
    }

    /// Stores a byte buffer that is already in memory.
    public func put(_ data: Data) throws -> BlobInfo {
        try put(from: DataBlobSource(data))
    }

    /// Stores a file's content, reading it in chunks.
    public func put(contentsOf url: URL) throws -> BlobInfo {
        try put(from: try FileBlobSource(url: url))
    }

    /// Reads a whole blob into memory: for small blobs such as manifests and configs.
    public func data(_ id: BlobID) throws -> Data {
        var data = Data()
        try read(id) { data.append(contentsOf: $0) }
        return data
    }

    public func contains(_ id: BlobID) throws -> Bool {
        try info(id) != nil
    }
}
