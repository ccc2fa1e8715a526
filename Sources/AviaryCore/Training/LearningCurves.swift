/// A run's loss and accuracy per epoch as two SVG charts, from its metrics log.
public enum LearningCurves {
    public static func lossSVG(_ epochs: [EpochMetrics]) -> String {
        chart("Loss", epochs, train: \.trainLoss, validation: \.validationLoss, range: nil)
    }

    public static func accuracySVG(_ epochs: [EpochMetrics]) -> String {
        chart("Accuracy", epochs, train: \.trainAccuracy, validation: \.validationAccuracy, range: 0...1)
    }

    private static func chart(_ title: String, _ epochs: [EpochMetrics], train: KeyPath<EpochMetrics, Double>,
                              validation: KeyPath<EpochMetrics, Double?>, range: ClosedRange<Double>?) -> String {
        var series = [LineChart.Series(name: "train", points: epochs.map { (Double($0.epoch), $0[keyPath: train]) })]
        let held = epochs.compactMap { m in m[keyPath: validation].map { (Double(m.epoch), $0) } }
        if !held.isEmpty { series.append(.init(name: "validation", points: held, dashed: true)) }
        return LineChart(title: title, xLabel: "epoch", yLabel: title.lowercased(), series: series, yRange: range).svg
    }
}
