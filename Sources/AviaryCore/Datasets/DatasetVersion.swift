import AviaryStore
import Foundation

/// A dataset version as the metadata store keeps it: the manifest's id, where it came from, and
/// summary counts so that listing versions does not need to read manifests.
public struct DatasetVersion: Codable, Hashable, Sendable {
    public static let recordKind = "dataset.version"

    /// How a version came to be: the operation, its settings, and the versions it was made from.
    public struct Lineage: Codable, Hashable, Sendable {
        /// `import`, `split` or `merge`…
        public var operation: String
        public var parameters: [String: String]
        /// Version ids this one was derived from.
        public var parents: [String]

        public init(operation: String, parameters: [String: String] = [:], parents: [String] = []) {
            self.operation = operation
            self.parameters = parameters
            self.parents = parents
        }
    }

    public var dataset: String
    /// The manifest blob's hex digest: the version's content address.
    public var id: String { manifest.hex }
    public var manifest: BlobID
    public var createdAt: Date
    public var lineage: Lineage
    public var itemCount: Int
    public var unlabeledCount: Int
    public var classCounts: [String: Int]

    /// The short form people type and read, like git's abbreviated commits.
    public var shortID: String { String(id.prefix(12)) }
    /// `dataset@shortid`, the reference that `aviary data` commands accept.
    public var reference: String { "\(dataset)@\(shortID)" }

    var recordID: String { "\(dataset)@\(id)" }

    public init(dataset: String, manifest: BlobID, createdAt: Date, lineage: Lineage, summary: DatasetManifest) {
        self.dataset = dataset
        self.manifest = manifest
        // Whole seconds: what the record's ISO-8601 body keeps, so a saved version equals a read one.
        self.createdAt = Date(timeIntervalSince1970: createdAt.timeIntervalSince1970.rounded(.down))
        self.lineage = lineage
        self.itemCount = summary.items.count
        self.unlabeledCount = summary.items.filter(\.labels.isEmpty).count
        self.classCounts = summary.classCounts
    }
}
