import AviaryStore
import Crypto
import Foundation

/// What a frozen backbone's features depend on. Two runs that agree on all of it may share features;
/// change any part (other weights, another input size, other normalisation) and they may not.
public struct FeatureCacheKey: Codable, Sendable, Hashable {
    /// The backbone's identity: its weights' blob id, or a zoo name with its weights' digest.
    public var backbone: String
    public var preprocessing: PreprocessingSpec
    /// The backbone output the features come from (its pooled features, say).
    public var layer: String

    public init(backbone: String, preprocessing: PreprocessingSpec, layer: String = "pooled") {
        self.backbone = backbone
        self.preprocessing = preprocessing
        self.layer = layer
    }

    /// The SHA-256 of the canonical key: the id of the cache's index record.
    public var digest: String {
        let data = (try? CanonicalJSON.encode(self)) ?? Data()
        return SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
    }
}

/// Backbone features of images, kept in the blob store so that a second `head` run (other head
/// settings, another split of the same images) skips the backbone. Each image's row is found by the
/// image's content hash under a `FeatureCacheKey`; rows are written in chunks, one blob per chunk,
/// listed by one index record per key.
public struct FeatureCache: Sendable {
    public static let recordKind = "training.features"

    public let metadata: any MetadataStore
    public let blobs: any BlobStore

    public init(metadata: any MetadataStore, blobs: any BlobStore) {
        self.metadata = metadata
        self.blobs = blobs
    }

    /// The index record's value.
    struct Index: Codable {
        var key: FeatureCacheKey
        var dimension: Int
        var chunks: [BlobID]
    }

    /// The cached rows among `images`, and the images still to compute, in the order given.
    public struct Lookup: Sendable {
        public var dimension: Int?
        public var found: [BlobID: [Float]]
        public var missing: [BlobID]
    }

    public func lookup(_ key: FeatureCacheKey, images: [BlobID]) async throws -> Lookup {
        guard let record = try await metadata.record(kind: Self.recordKind, id: key.digest) else {
            return Lookup(dimension: nil, found: [:], missing: images)
        }
        let index = try record.decode(Index.self)
        let wanted = Set(images)
        var found: [BlobID: [Float]] = [:]
        for chunkID in index.chunks {
            let chunk = try FeatureChunk(decoding: try blobs.data(chunkID), id: chunkID)
            guard chunk.dimension == index.dimension else {
                throw TrainingError.featureDimensionMismatch(expected: index.dimension, got: chunk.dimension)
            }
            for (row, image) in chunk.images.enumerated() where wanted.contains(image) && found[image] == nil {
                found[image] = Array(chunk.row(row))
            }
        }
        return Lookup(dimension: index.dimension, found: found, missing: images.filter { found[$0] == nil })
    }

    /// Adds rows as one new chunk. Concurrent writers of one key both land: the index is updated with
    /// a precondition and retried when another writer got there first.
    public func store(_ key: FeatureCacheKey, images: [BlobID], dimension: Int, values: [Float], now: Date = Date()) async throws {
        guard !images.isEmpty else { return }
        let chunk = try blobs.put(FeatureChunk(images: images, dimension: dimension, values: values).encoded()).id
        let id = key.digest
        try await retryingConflicts(orThrow: TrainingError.busy("feature cache \(id.prefix(12))")) {
            let stored = try await metadata.record(kind: Self.recordKind, id: id)
            var index = try stored?.decode(Index.self) ?? Index(key: key, dimension: dimension, chunks: [])
            guard index.dimension == dimension else {
                throw TrainingError.featureDimensionMismatch(expected: index.dimension, got: dimension)
            }
            if !index.chunks.contains(chunk) { index.chunks.append(chunk) }
            try await metadata.write(WriteBatch(
                preconditions: [stored.map(RecordPrecondition.unchanged) ?? .absent(RecordKey(kind: Self.recordKind, id: id))],
                records: [try Record(kind: Self.recordKind, id: id, value: index, blobs: index.chunks, createdAt: stored?.createdAt ?? now)]))
        }
    }
}
