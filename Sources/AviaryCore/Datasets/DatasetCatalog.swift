import AviaryStore
import Foundation

/// Stores and finds dataset versions in a project.
public struct DatasetCatalog: Sendable {
    public let metadata: any MetadataStore
    public let blobs: any BlobStore

    public init(metadata: any MetadataStore, blobs: any BlobStore) {
        self.metadata = metadata
        self.blobs = blobs
    }

    public init(project: Project) {
        self.init(metadata: project.metadata, blobs: project.blobs)
    }

    /// Stores `manifest` as a version of `dataset`. Saving the same content again returns the existing
    /// version (`created` false) and changes nothing: versions are immutable.
    public func save(_ manifest: DatasetManifest, dataset: String, lineage: DatasetVersion.Lineage,
                     now: Date = Date()) async throws -> (version: DatasetVersion, created: Bool) {
        try Self.validate(name: dataset)
        let stored = try blobs.put(manifest.encoded())
        if let existing = try await metadata.record(kind: DatasetVersion.recordKind, id: "\(dataset)@\(stored.id.hex)") {
            return (try existing.decode(DatasetVersion.self), false)
        }
        let version = DatasetVersion(dataset: dataset, manifest: stored.id, createdAt: now, lineage: lineage, summary: manifest)
        let record = try Record(kind: DatasetVersion.recordKind, id: version.recordID, value: version,
                                blobs: [stored.id] + manifest.items.map(\.image), createdAt: now)
        let payload = try CanonicalJSON.encode(["dataset": dataset, "version": version.id, "operation": lineage.operation])
        try await metadata.write(WriteBatch(records: [record], events: [
            NewEvent(type: "dataset.version.created", subject: "\(DatasetVersion.recordKind)/\(version.recordID)", payload: payload, time: now),
        ]))
        return (version, true)
    }

    /// Every version, oldest first; only those of `dataset` when it is given.
    public func versions(of dataset: String? = nil) async throws -> [DatasetVersion] {
        try await metadata.records(kind: DatasetVersion.recordKind)
            .map { try $0.decode(DatasetVersion.self) }
            .filter { dataset == nil || $0.dataset == dataset }
    }

    /// Finds a version from what a user typed: `name` (its newest version), `name@idprefix`, or an id
    /// prefix of at least 6 hex digits.
    public func resolve(_ reference: String) async throws -> DatasetVersion {
        let all = try await versions()
        let parts = reference.split(separator: "@", maxSplits: 1).map(String.init)
        let matches: [DatasetVersion]
        if parts.count == 2 {
            matches = all.filter { $0.dataset == parts[0] && $0.id.hasPrefix(parts[1].lowercased()) }
        } else if let newest = all.last(where: { $0.dataset == reference }) {
            return newest
        } else if reference.count >= 6 {
            matches = all.filter { $0.id.hasPrefix(reference.lowercased()) }
        } else {
            matches = []
        }
        guard let first = matches.first else { throw DatasetError.versionNotFound(reference: reference) }
        if Set(matches.map(\.id)).count > 1 || Set(matches.map(\.dataset)).count > 1 {
            throw DatasetError.ambiguousVersion(reference: reference, candidates: matches.map(\.reference))
        }
        return first
    }

    /// The manifest of a version, read from the blob store.
    public func manifest(of version: DatasetVersion) throws -> DatasetManifest {
        try DatasetManifest.decode(try blobs.data(version.manifest), name: "manifest \(version.manifest)")
    }

    static func validate(name: String) throws {
        guard ResourceName.isValid(name, maximumLength: 100) else {
            throw DatasetError.invalidDatasetName(name)
        }
    }
}
