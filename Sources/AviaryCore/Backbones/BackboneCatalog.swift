import AviaryStore
import Foundation

/// The backbones registered in one project: one `backbone` record per name (the `Backbone` as JSON,
/// pointing at its weights blob so `fsck` and garbage collection see the reference).
public struct BackboneCatalog: Sendable {
    public static let recordKind = "backbone"

    public let metadata: any MetadataStore
    public let blobs: any BlobStore

    public init(metadata: any MetadataStore, blobs: any BlobStore) {
        self.metadata = metadata
        self.blobs = blobs
    }

    public init(project: Project) {
        self.init(metadata: project.metadata, blobs: project.blobs)
    }

    /// Every registered backbone, by name.
    public func list() async throws -> [Backbone] {
        try await metadata.records(kind: Self.recordKind).map { try $0.decode(Backbone.self) }.sorted { $0.name < $1.name }
    }

    /// The backbone registered under `name`, or nil.
    public func backbone(named name: String) async throws -> Backbone? {
        try await metadata.record(kind: Self.recordKind, id: name)?.decode(Backbone.self)
    }

    /// The backbone named `name`, with its weights present. A zoo name not pulled yet says to run
    /// `aviary backbone pull NAME`; an unknown name lists the known ones.
    public func resolve(_ name: String) async throws -> Backbone {
        guard let backbone = try await backbone(named: name) else {
            if ZooBackbone.named(name) != nil { throw BackboneError.notPulled(name: name) }
            let known = Set(try await list().map(\.name) + ZooBackbone.all.map(\.name)).sorted()
            throw BackboneError.unknown(name: name, known: known)
        }
        guard try blobs.contains(backbone.weights) else {
            throw BackboneError.weightsMissing(name: name, blob: backbone.weights.description)
        }
        return backbone
    }

    /// Records `backbone` (its weights must already be in the blob store). Registering the same
    /// name again with the same weights keeps the first record; other weights under a taken name
    /// are refused.
    @discardableResult
    public func register(_ backbone: Backbone) async throws -> (backbone: Backbone, isNew: Bool) {
        try Self.validate(name: backbone.name)
        if let existing = try await self.backbone(named: backbone.name) {
            guard existing.weights == backbone.weights, existing.source == backbone.source else {
                throw BackboneError.nameTaken(name: backbone.name)
            }
            return (existing, false)
        }
        try await metadata.write(WriteBatch(
            preconditions: [.absent(RecordKey(kind: Self.recordKind, id: backbone.name))],
            records: [try Record(kind: Self.recordKind, id: backbone.name, value: backbone, blobs: [backbone.weights])]))
        return (backbone, true)
    }

    /// Names are typed on command lines and stored as record ids: letters, digits, `.`, `_`, `-`.
    public static func validate(name: String) throws(BackboneError) {
        guard !name.isEmpty, name.count <= 100 else { throw .invalidName(name: name, reason: "use 1 to 100 characters") }
        guard name.unicodeScalars.allSatisfy({ ($0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0))) || "._-".unicodeScalars.contains($0) }),
              name.first != "-", name.first != "." else {
            throw .invalidName(name: name, reason: "use letters, digits, '.', '_' and '-', not starting with '-' or '.'")
        }
    }
}
