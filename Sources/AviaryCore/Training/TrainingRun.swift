import AviaryStore
import Foundation

/// A training run as the project records it (`training.run`, id = the run's name): what it trained on,
/// how, every epoch's metrics, and the model artifact it produced.
public struct TrainingRun: Codable, Sendable, Hashable {
    public static let recordKind = "training.run"

    public enum Status: String, Codable, Sendable { case running, succeeded, failed }

    public var id: String
    /// The training version's reference (`fashion.train@1a2b3c4d5e6f`) and full id.
    public var dataset: String
    public var datasetVersion: String
    public var validation: String?
    public var classes: [String]
    public var configuration: TrainingConfiguration
    public var status: Status
    public var history: [EpochMetrics]
    /// The epoch whose weights the artifact holds.
    public var keptEpoch: Int?
    public var stoppedEarly: Bool
    /// Items left out, by reason ("unlabelled", "several labels", "could not be decoded", …).
    public var skipped: [String: Int]
    public var artifact: BlobID?
    /// Head mode: distinct images whose backbone features came from the cache, were computed, or
    /// could not be decoded.
    public var features: FeatureCounts?
    /// `GROUP/NUMBER` when the run registered its model.
    public var registered: String?
    public var error: String?
    public var startedAt: Date
    public var finishedAt: Date?

    public struct FeatureCounts: Codable, Sendable, Hashable {
        public var cached = 0
        public var computed = 0
        public var skipped = 0

        public init(cached: Int = 0, computed: Int = 0, skipped: Int = 0) {
            self.cached = cached
            self.computed = computed
            self.skipped = skipped
        }
    }

    /// The run's folder of checkpoints, state and metrics log.
    public static func directory(_ id: String, in layout: ProjectLayout) -> URL {
        layout.dataFolder.appendingPathComponent("training", isDirectory: true).appendingPathComponent(id, isDirectory: true)
    }
}
