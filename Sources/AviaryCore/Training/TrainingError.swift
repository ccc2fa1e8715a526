import AviaryStore

/// Why training could not go on, each case saying what to do about it.
public enum TrainingError: Error, Equatable, Sendable, CustomStringConvertible {
    case corruptFeatureCache(chunk: BlobID, detail: String)
    case featureDimensionMismatch(expected: Int, got: Int)
    case busy(String)

    public var description: String {
        switch self {
        case .corruptFeatureCache(let chunk, let detail):
            "feature cache chunk \(chunk) is damaged (\(detail)); run aviary fsck, and train with --no-feature-cache to compute the features again"
        case .featureDimensionMismatch(let expected, let got):
            "cached features have \(expected) values per image but the backbone gave \(got); the cache key must include everything that changes the features"
        case .busy(let what):
            "\(what) is being changed by other processes at this moment; try again"
        }
    }
}
