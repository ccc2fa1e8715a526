import AviaryStore

/// Why training could not go on, each case saying what to do about it.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case corruptFeatureCache(chunk: BlobID, detail: String)
    case featureDimensionMismatch(expected: Int, got: Int)
    case busy(String)
    case invalidConfiguration(field: String, detail: String)
    /// The data cannot train a classifier: too few classes, no usable images, unknown labels.
    case unusableData(String)
    case runNotFound(String)
    case unsupported(String)

    public var description: String {
        switch self {
        case .corruptFeatureCache(let chunk, let detail):
            "feature cache chunk \(chunk) is damaged (\(detail)); run aviary fsck, and train with --no-feature-cache to compute the features again"
        case .featureDimensionMismatch(let expected, let got):
            "cached features have \(expected) values per image but the backbone gave \(got); the cache key must include everything that changes the features"
        case .busy(let what):
            "\(what) is being changed by other processes at this moment; try again"
        case .invalidConfiguration(let field, let detail):
            "training setting --\(field): \(detail)"
        case .unusableData(let detail):
            detail
        case .runNotFound(let id):
            "no training run '\(id)'; aviary train ls lists them"
        case .unsupported(let detail):
            detail
        }
    }
}
