import Foundation
import AviaryNN
import AviaryVision

/// Running loss and accuracy over the batches of an epoch.
struct Totals {
    var lossSum = 0.0
    var correct = 0
    var count = 0

    mutating func add(loss: Float, logits: Tensor, labels: [Int]) {
        lossSum += Double(loss) * Double(labels.count)
        correct += zip(Classifier.argmax(rowsOf: logits), labels).filter { $0 == $1 }.count
        count += labels.count
    }

    var meanLoss: Double { count > 0 ? lossSum / Double(count) : .nan }
    var accuracy: Double { count > 0 ? Double(correct) / Double(count) : .nan }
}

extension ClassifierTrainer {
    /// Loss (without label smoothing) and accuracy of `model` on `source`, in evaluation mode and
    /// without recording a graph.
    static func measure(_ model: any Module, on source: DatasetImageSource, pipeline: ImagePipeline, batchSize: Int, workers: Int) throws -> Totals {
        var totals = Totals()
        try Classifier.forEachBatch(model, source: source, pipeline: pipeline, batchSize: batchSize, workers: workers) { batch, logits in
            let loss = try Variable(logits).crossEntropy(targets: batch.labels)
            totals.add(loss: loss.value.scalars[0], logits: logits, labels: batch.labels)
        }
        return totals
    }
}

/// Running a trained classifier over images, shared by training, `aviary predict` and evaluation.
public enum Classifier {
    /// Runs `model` in evaluation mode over `source` in order and hands each batch and its logits on;
    /// samples that could not be loaded go to `skipped`.
    public static func forEachBatch(_ model: any Module, source: some ImageSampleSource, pipeline: ImagePipeline, batchSize: Int, workers: Int,
                                    skipped: (SampleFailure) -> Void = { _ in }, _ body: (Batch, Tensor) throws -> Void) throws {
        model.eval()
        let loader = DataLoader(source: source, pipeline: pipeline, configuration: .init(batchSize: batchSize, workers: workers, shuffle: false))
        try GradientMode.withoutGradients {
            for batch in loader.batches() {
                batch.skipped.forEach(skipped)
                guard !batch.labels.isEmpty else { continue }
                try body(batch, try model(Variable(try batch.tensor)).value)
            }
        }
    }

    /// The index of each row's largest value (the first on ties).
    public static func argmax(rowsOf logits: Tensor) -> [Int] {
        let columns = logits.shape[1]
        return (0..<logits.shape[0]).map { row in
            let values = logits.scalars[(row * columns)..<((row + 1) * columns)]
            return values.indices.max { values[$0] < values[$1] || (values[$0] == values[$1] && $0 > $1) }! - row * columns
        }
    }

    /// Softmax of each row, computed stably in Double.
    public static func probabilities(rowsOf logits: Tensor) -> [[Double]] {
        let columns = logits.shape[1]
        return (0..<logits.shape[0]).map { row in
            let values = logits.scalars[(row * columns)..<((row + 1) * columns)].map(Double.init)
            let top = values.max() ?? 0
            let exps = values.map { Foundation.exp($0 - top) }
            let sum = exps.reduce(0, +)
            return exps.map { $0 / sum }
        }
    }
}
