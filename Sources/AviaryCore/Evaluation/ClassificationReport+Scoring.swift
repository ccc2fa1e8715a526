extension ClassificationReport {
    /// Scores predictions: `probabilities[i]` holds one probability (or any score whose arg-max is
    /// the prediction) per class for sample `i`, whose true class index is `labels[i]`.
    public init(
        classes: [String], labels: [Int], probabilities: [[Float]], topK: [Int] = [5], calibrationBins: Int = 15
    ) throws(EvaluationError) {
        guard !classes.isEmpty else { throw .noClasses }
        guard labels.count == probabilities.count else { throw .countMismatch(labels: labels.count, predictions: probabilities.count) }
        guard !labels.isEmpty else { throw .noSamples }
        let c = classes.count
        for (i, row) in probabilities.enumerated() where row.count != c { throw .rowWidth(sample: i, width: row.count, classes: c) }
        for (i, label) in labels.enumerated() where !(0..<c).contains(label) { throw .labelOutOfRange(sample: i, label: label, classes: c) }

        let predicted = probabilities.map(Self.argMax)
        var confusion = [[Int]](repeating: [Int](repeating: 0, count: c), count: c)
        for (actual, guess) in zip(labels, predicted) { confusion[actual][guess] += 1 }
        let n = labels.count
        let correct = (0..<c).reduce(0) { $0 + confusion[$1][$1] }

        var scores: [ClassScores] = []
        for k in 0..<c {
            let truePositives = Double(confusion[k][k])
            let predictedK = Double((0..<c).reduce(0) { $0 + confusion[$1][k] })
            let support = confusion[k].reduce(0, +)
            let precision = predictedK == 0 ? 0 : truePositives / predictedK
            let recall = support == 0 ? 0 : truePositives / Double(support)
            let f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall)
            scores.append(ClassScores(name: classes[k], precision: precision, recall: recall, f1: f1, support: support))
        }
        func average(_ weight: (ClassScores) -> Double) -> AveragedScores {
            let total = scores.reduce(0) { $0 + weight($1) }
            func mean(_ value: (ClassScores) -> Double) -> Double {
                total == 0 ? 0 : scores.reduce(0) { $0 + weight($1) * value($1) } / total
            }
            return AveragedScores(precision: mean(\.precision), recall: mean(\.recall), f1: mean(\.f1))
        }

        var pairs: [ConfusedPair] = []
        for a in 0..<c { for p in 0..<c where a != p && confusion[a][p] > 0 {
            pairs.append(ConfusedPair(actual: classes[a], predicted: classes[p], count: confusion[a][p]))
        } }
        pairs.sort { $0.count > $1.count }  // stable: ties keep class order

        self.init(
            classes: classes,
            sampleCount: n,
            accuracy: Double(correct) / Double(n),
            topK: topK.filter { $0 > 1 && $0 < c }.sorted().map { k in
                TopKAccuracy(k: k, accuracy: Self.topKAccuracy(k, labels: labels, probabilities: probabilities))
            },
            perClass: scores,
            macroAverage: average { _ in 1 },
            weightedAverage: average { Double($0.support) },
            confusion: confusion,
            calibration: Calibration(labels: labels, probabilities: probabilities, predicted: predicted, bins: calibrationBins),
            mostConfused: Array(pairs.prefix(10))
        )
    }

    /// The first index of the largest value, as NumPy's `argmax` picks it.
    static func argMax(_ row: [Float]) -> Int {
        var best = 0
        for i in row.indices where row[i] > row[best] { best = i }
        return best
    }

    /// A sample counts when fewer than k classes score strictly higher than its label (sklearn's rule,
    /// which breaks ties in the label's favour).
    static func topKAccuracy(_ k: Int, labels: [Int], probabilities: [[Float]]) -> Double {
        var hits = 0
        for (label, row) in zip(labels, probabilities) {
            let target = row[label]
            if row.lazy.filter({ $0 > target }).count < k { hits += 1 }
        }
        return Double(hits) / Double(labels.count)
    }
}
