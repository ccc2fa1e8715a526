import AviaryStore

/// What can be wrong with a model artifact, each case saying how to put it right.
public enum ModelArtifactError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedFormat(String)
    case invalidClasses(String)
    case invalidPreprocessing(field: String, detail: String)
    case notAnArtifact(BlobID, detail: String)
    case missingGraph(artifact: BlobID, blob: BlobID)
    case noNetwork

    public var description: String {
        switch self {
        case .unsupportedFormat(let format):
            "model artifact format '\(format)' is not one this Aviary reads (\(ModelArtifact.currentFormat)); upgrade Aviary to use it"
        case .invalidClasses(let detail):
            "model artifact classes: \(detail)"
        case .invalidPreprocessing(let field, let detail):
            "model artifact preprocessing.\(field): \(detail)"
        case .notAnArtifact(let id, let detail):
            "blob \(id) is not a model artifact (\(detail)); give the id that aviary train or aviary model show printed"
        case .missingGraph(let artifact, let blob):
            "model artifact \(artifact) names blob \(blob), which the blob store does not hold; run aviary fsck"
        case .noNetwork:
            "model artifact names neither an ONNX graph nor engine weights; it cannot run"
        }
    }
}
