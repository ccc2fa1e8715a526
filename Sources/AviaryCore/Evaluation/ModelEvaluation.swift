import AviaryStore
import Foundation

/// Scores a model's predictions on a held-out dataset version: the report, and the images it got wrong.
///
/// Predictions come from anything that gives class probabilities per image — Aviary's own models, or a
/// predictions file from another runtime — so the same evaluation serves both and they can be compared.
public struct ModelEvaluation: Sendable {
    public var report: ClassificationReport
    /// Items whose top prediction is not their label, with the class predicted, in manifest order.
    public var misclassified: [(item: DatasetItem, predicted: String)]
    /// Items left out because their label is not one of the model's classes, by label.
    public var unknownLabels: [String: Int]
    /// Items left out because there was no prediction for their image.
    public var missingPredictions: Int

    /// `probabilities` maps an image to one probability per entry of `classes`.
    public init(manifest: DatasetManifest, classes: [String], probabilities: [BlobID: [Float]], topK: [Int] = [5]) throws {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($1, $0) })
        var labels: [Int] = [], rows: [[Float]] = [], kept: [DatasetItem] = []
        var unknown: [String: Int] = [:], missing = 0
        for item in manifest.items {
            guard let label = item.labels.first else { continue }
            guard let classIndex = index[label] else { unknown[label, default: 0] += 1; continue }
            guard let row = probabilities[item.image] else { missing += 1; continue }
            labels.append(classIndex)
            rows.append(row)
            kept.append(item)
        }
        report = try ClassificationReport(classes: classes, labels: labels, probabilities: rows, topK: topK)
        misclassified = zip(kept, rows).compactMap { item, row in
            let predicted = classes[ClassificationReport.argMax(row)]
            return predicted == item.labels.first ? nil : (item, predicted)
        }
        unknownLabels = unknown
        missingPredictions = missing
    }

    /// A contact sheet of the mistakes: one row per "actual → predicted" pair, nil when there are none.
    public func misclassifiedSheet(blobs: any BlobStore, samplesPerRow: Int = 8) throws -> [UInt8]? {
        guard !misclassified.isEmpty else { return nil }
        let relabelled = misclassified.map { miss in
            var item = miss.item
            item.labels = ["\(miss.item.labels.first ?? "?") → \(miss.predicted)"]
            return item
        }
        return try ContactSheet(samplesPerClass: samplesPerRow).render(DatasetManifest(items: relabelled), blobs: blobs).png
    }
}
