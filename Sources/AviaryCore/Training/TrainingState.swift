import Foundation

/// What a run keeps beside its checkpoints so that a killed run continues exactly where it stopped:
/// written atomically after each epoch's checkpoint, so it only ever names a checkpoint that is whole.
struct TrainingState: Codable, Equatable {
    static let fileName = "state.json"

    var completedEpochs = 0
    /// Optimizer steps taken, which the learning-rate schedule follows.
    var step = 0
    var history: [EpochMetrics] = []
    var earlyStopping: EarlyStopping
    /// The last epoch's checkpoint (model, optimizer, step), a file in the run folder.
    var checkpoint: String?
    /// The checkpoint of the best validation epoch, whose weights the run ends with.
    var bestCheckpoint: String?
    var stoppedEarly = false
    var skippedSamples = 0

    static func load(from directory: URL) throws -> TrainingState? {
        let url = directory.appendingPathComponent(fileName)
        guard FileManager.default.fileExists(atPath: url.path) else { return nil }
        return try CanonicalJSON.decode(TrainingState.self, from: Data(contentsOf: url))
    }

    func save(to directory: URL) throws {
        try CanonicalJSON.encode(self).write(to: directory.appendingPathComponent(Self.fileName), options: .atomic)
    }
}
