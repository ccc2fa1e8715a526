/// How well a classifier did on a held-out set: the numbers `aviary evaluate` prints and stores.
///
/// Conventions follow scikit-learn so that figures can be checked against it: a class that is never
/// predicted has precision 0 (sklearn's `zero_division=0`), the macro average weighs classes equally,
/// the weighted average weighs them by support, and top-k counts a sample as right when its label is
/// among the k most probable classes. Calibration error is the expected calibration error (ECE) over
/// equal-width confidence bins, the definition of Guo et al. (2017).
public struct ClassificationReport: Codable, Sendable, Hashable {
    public var classes: [String]
    public var sampleCount: Int
    public var accuracy: Double
    /// Top-k accuracy for each k that was asked for and is below the number of classes.
    public var topK: [TopKAccuracy]
    public var perClass: [ClassScores]
    public var macroAverage: AveragedScores
    public var weightedAverage: AveragedScores
    /// `confusion[actual][predicted]`, in the order of `classes`.
    public var confusion: [[Int]]
    public var calibration: Calibration
    /// Off-diagonal confusion cells, largest first (ties by class order), at most ten.
    public var mostConfused: [ConfusedPair]

    public struct TopKAccuracy: Codable, Sendable, Hashable {
        public var k: Int
        public var accuracy: Double
    }

    public struct ClassScores: Codable, Sendable, Hashable {
        public var name: String
        public var precision: Double
        public var recall: Double
        public var f1: Double
        public var support: Int

        public init(name: String, precision: Double, recall: Double, f1: Double, support: Int) {
            self.name = name
            self.precision = precision
            self.recall = recall
            self.f1 = f1
            self.support = support
        }
    }

    public struct AveragedScores: Codable, Sendable, Hashable {
        public var precision: Double
        public var recall: Double
        public var f1: Double
    }

    public struct ConfusedPair: Codable, Sendable, Hashable {
        public var actual: String
        public var predicted: String
        public var count: Int

        public init(actual: String, predicted: String, count: Int) {
            self.actual = actual
            self.predicted = predicted
            self.count = count
        }
    }
}

/// What can make a set of predictions impossible to score.
public enum EvaluationError: Error, Hashable, Sendable, CustomStringConvertible {
    case noSamples
    case noClasses
    case rowWidth(sample: Int, width: Int, classes: Int)
    case labelOutOfRange(sample: Int, label: Int, classes: Int)
    case countMismatch(labels: Int, predictions: Int)

    public var description: String {
        switch self {
        case .noSamples:
            "there is nothing to evaluate: the evaluation set holds no usable samples"
        case .noClasses:
            "the model has no classes"
        case .rowWidth(let sample, let width, let classes):
            "prediction \(sample) has \(width) probabilities but the model has \(classes) classes"
        case .labelOutOfRange(let sample, let label, let classes):
            "sample \(sample) has label index \(label), outside the model's \(classes) classes; evaluate on a dataset with the model's classes"
        case .countMismatch(let labels, let predictions):
            "\(labels) labels but \(predictions) predictions; each sample needs one of each"
        }
    }
}
