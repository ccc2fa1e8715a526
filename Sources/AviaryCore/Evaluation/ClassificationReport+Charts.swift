extension ClassificationReport {
    /// The confusion matrix as an SVG heat map.
    public var confusionMatrixSVG: String {
        ConfusionMatrixChart.svg(classes: classes, confusion: confusion,
                                 title: "Confusion matrix: accuracy \(Self.percent(accuracy)) on \(sampleCount) images")
    }

    /// The reliability diagram: accuracy against mean confidence per bin, beside the diagonal a
    /// perfectly calibrated model would follow.
    public var reliabilitySVG: String {
        let filled = calibration.bins.filter { $0.count > 0 }
        return LineChart(
            title: "Reliability: expected calibration error \(Self.percent(calibration.expectedCalibrationError))",
            xLabel: "confidence", yLabel: "accuracy",
            series: [
                .init(name: "model", points: filled.map { ($0.meanConfidence, $0.accuracy) }),
                .init(name: "calibrated", points: [(0, 0), (1, 1)], dashed: true),
            ],
            yRange: 0...1
        ).svg
    }

    static func percent(_ value: Double) -> String {
        let tenths = (value * 1000).rounded() / 10
        return "\(tenths)%"
    }
}
