import Foundation

/// The line a person watches during training: where the run is, how it is doing, how fast, and when
/// it will end. The estimate assumes the remaining epochs take as long as the ones so far.
public enum TrainingProgress {
    public static func line(_ metrics: EpochMetrics, of epochs: Int, elapsed: Double) -> String {
        var parts = [
            "epoch \(metrics.epoch)/\(epochs)",
            "loss \(String(format: "%.4f", metrics.trainLoss))",
            "acc \(percent(metrics.trainAccuracy))",
        ]
        if let loss = metrics.validationLoss { parts.append("val_loss \(String(format: "%.4f", loss))") }
        if let accuracy = metrics.validationAccuracy { parts.append("val_acc \(percent(accuracy))") }
        parts.append("lr \(String(format: "%.3g", metrics.learningRate))")
        parts.append("\(Int(metrics.imagesPerSecond.rounded())) img/s")
        let remaining = Double(max(0, epochs - metrics.epoch)) * elapsed / Double(max(1, metrics.epoch))
        parts.append("ETA \(duration(remaining))")
        return parts.joined(separator: "  ")
    }

    static func percent(_ value: Double) -> String { String(format: "%.1f%%", value * 100) }

    /// `45s`, `3m05s`, `2h04m`.
    public static func duration(_ seconds: Double) -> String {
        let total = Int(seconds.rounded())
        if total < 60 { return "\(total)s" }
        if total < 3600 { return String(format: "%dm%02ds", total / 60, total % 60) }
        return String(format: "%dh%02dm", total / 3600, (total % 3600) / 60)
    }
}
