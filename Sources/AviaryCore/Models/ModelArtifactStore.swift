import AviaryStore
import Foundation

/// Saves and loads model artifacts in the blob store. An artifact's id is the SHA-256 of its
/// canonical JSON, so saving the same model twice gives the same id and the registry can point at it.
public struct ModelArtifactStore: Sendable {
    public let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    /// Stores `onnx` and the artifact that describes it; answers the artifact's id.
    public func save(onnx: Data, describedBy make: (BlobID) -> ModelArtifact) throws -> (id: BlobID, artifact: ModelArtifact) {
        try save(make(try blobs.put(onnx).id))
    }

    /// Stores an artifact whose blobs are already stored; answers its id.
    public func save(_ artifact: ModelArtifact) throws -> (id: BlobID, artifact: ModelArtifact) {
        try artifact.validate()
        return (try blobs.put(try CanonicalJSON.encode(artifact)).id, artifact)
    }

    public func load(_ id: BlobID) throws -> ModelArtifact {
        guard try blobs.contains(id) else { throw StoreError.blobNotFound(id) }
        let artifact: ModelArtifact
        do { artifact = try CanonicalJSON.decode(ModelArtifact.self, from: try blobs.data(id)) } catch let error as DecodingError {
            throw ModelArtifactError.notAnArtifact(id, detail: Self.explain(error))
        }
        try artifact.validate()
        if let missing = try artifact.blobs.first(where: { try !blobs.contains($0) }) {
            throw ModelArtifactError.missingGraph(artifact: id, blob: missing)
        }
        return artifact
    }

    /// The ONNX graph's bytes.
    public func graph(of artifact: ModelArtifact) throws -> Data? {
        try artifact.onnx.map { try blobs.data($0) }
    }

    private static func explain(_ error: DecodingError) -> String {
        func path(_ context: DecodingError.Context) -> String {
            context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
        }
        switch error {
        case .keyNotFound(let key, let context): return "missing field \(path(context).isEmpty ? "" : path(context) + ".")\(key.stringValue)"
        case .typeMismatch(_, let context), .valueNotFound(_, let context): return "field \(path(context)): \(context.debugDescription)"
        case .dataCorrupted(let context): return path(context).isEmpty ? "not JSON" : "field \(path(context)): \(context.debugDescription)"
        @unknown default: return "\(error)"
        }
    }
}
