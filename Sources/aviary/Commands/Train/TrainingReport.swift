import AviaryCore
import Foundation

/// How a finished run is shown: a few lines of text, and learning curves beside its checkpoints.
enum TrainingReport {
    static func summary(_ run: TrainingRun, in layout: ProjectLayout) -> String {
        let folder = TrainingRun.directory(run.id, in: layout).path
        var lines = ["run \(run.id): \(run.status.rawValue), \(run.history.count) epochs on \(run.dataset)"
                     + (run.stoppedEarly ? " (stopped early: no better validation accuracy)" : "")]
        if let kept = run.history.first(where: { $0.epoch == run.keptEpoch }) {
            var line = String(format: "kept epoch %d: train accuracy %.1f%%", kept.epoch, kept.trainAccuracy * 100)
            if let accuracy = kept.validationAccuracy { line += String(format: ", validation accuracy %.1f%%", accuracy * 100) }
            lines.append(line)
        }
        if let features = run.features {
            lines.append("features: \(features.cached) cached, \(features.computed) computed" + (features.skipped > 0 ? ", \(features.skipped) could not be decoded" : ""))
        }
        for (reason, count) in run.skipped.sorted(by: { $0.key < $1.key }) { lines.append("left out: \(count) items (\(reason))") }
        if let artifact = run.artifact { lines.append("model artifact \(artifact)") }
        if let registered = run.registered { lines.append("registered as \(registered) (pending approval unless approved)") }
        lines.append("curves: \(folder)/loss.svg, \(folder)/accuracy.svg; metrics: \(folder)/metrics.jsonl")
        return lines.joined(separator: "\n")
    }

    static func writeCurves(_ run: TrainingRun, in layout: ProjectLayout) throws {
        let folder = TrainingRun.directory(run.id, in: layout)
        try Data(LearningCurves.lossSVG(run.history).utf8).write(to: folder.appendingPathComponent("loss.svg"), options: .atomic)
        try Data(LearningCurves.accuracySVG(run.history).utf8).write(to: folder.appendingPathComponent("accuracy.svg"), options: .atomic)
    }
}
