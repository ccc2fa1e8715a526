/// How far a model's confidence is from its accuracy: the reliability diagram's bins and the
/// expected calibration error they add up to.
public struct Calibration: Codable, Sendable, Hashable {
    /// Σ over bins of (samples in bin / all samples) × |accuracy − mean confidence|.
    public var expectedCalibrationError: Double
    public var bins: [Bin]

    public struct Bin: Codable, Sendable, Hashable {
        /// The bin holds confidences in (lower, upper]; the first bin also holds 0.
        public var lower: Double
        public var upper: Double
        public var count: Int
        public var accuracy: Double
        public var meanConfidence: Double
    }

    /// Confidence is the probability of the predicted class.
    init(labels: [Int], probabilities: [[Float]], predicted: [Int], bins binCount: Int) {
        let count = max(1, binCount)
        var totals = [(count: Int, correct: Int, confidence: Double)](repeating: (0, 0, 0), count: count)
        for (i, row) in probabilities.enumerated() {
            let confidence = Double(row[predicted[i]])
            let index = min(count - 1, max(0, Int((confidence * Double(count)).rounded(.up)) - 1))
            totals[index].count += 1
            totals[index].correct += predicted[i] == labels[i] ? 1 : 0
            totals[index].confidence += confidence
        }
        let n = Double(labels.count)
        var error = 0.0
        bins = totals.enumerated().map { index, total in
            let accuracy = total.count == 0 ? 0 : Double(total.correct) / Double(total.count)
            let mean = total.count == 0 ? 0 : total.confidence / Double(total.count)
            error += Double(total.count) / n * abs(accuracy - mean)
            return Bin(lower: Double(index) / Double(count), upper: Double(index + 1) / Double(count),
                       count: total.count, accuracy: accuracy, meanConfidence: mean)
        }
        expectedCalibrationError = error
    }
}
