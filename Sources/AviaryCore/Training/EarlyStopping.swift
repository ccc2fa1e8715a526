/// Stops training when the validation metric has not improved for `patience` epochs, and remembers
/// the best epoch so its weights are the ones kept. A pure state machine: feed it one value per epoch.
public struct EarlyStopping: Codable, Sendable, Hashable {
    public enum Goal: String, Codable, Sendable { case maximize, minimize }

    public var goal: Goal
    public var patience: Int
    /// An improvement smaller than this does not count.
    public var minimumDelta: Double
    public private(set) var best: Double?
    public private(set) var bestEpoch: Int?
    public private(set) var epochsWithoutImprovement = 0

    public init(goal: Goal = .maximize, patience: Int = 3, minimumDelta: Double = 0) {
        self.goal = goal
        self.patience = max(1, patience)
        self.minimumDelta = max(0, minimumDelta)
    }

    public enum Decision: Equatable, Sendable {
        /// A new best: keep these weights.
        case improved
        case continueTraining
        /// Patience ran out; the best epoch is the one to keep.
        case stop(bestEpoch: Int)
    }

    /// Records one epoch's value (epochs count from 1). NaN never improves.
    public mutating func record(_ value: Double, epoch: Int) -> Decision {
        let better: Bool
        if let best {
            better = goal == .maximize ? value > best + minimumDelta : value < best - minimumDelta
        } else {
            better = !value.isNaN
        }
        if better {
            best = value
            bestEpoch = epoch
            epochsWithoutImprovement = 0
            return .improved
        }
        epochsWithoutImprovement += 1
        if epochsWithoutImprovement >= patience, let bestEpoch { return .stop(bestEpoch: bestEpoch) }
        return .continueTraining
    }
}
