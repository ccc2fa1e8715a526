import AviaryNN
import Foundation

extension ClassifierTrainer {
    /// Head mode: a linear softmax layer trained on cached backbone features, with the same epochs,
    /// checkpoints, metrics log and early stopping as the other modes; then saved under the frozen
    /// backbone as one whole classifier. An epoch over 10,000 rows takes milliseconds.
    func runHead() throws -> Outcome {
        guard let features = headFeatures, let backbone else {
            throw TrainingError.unsupported("head mode trains on a backbone's features, which TrainingJob computes: run aviary train --mode head --backbone NAME")
        }
        guard features.train.count > 0 else { throw TrainingError.unusableData("the training data holds no usable labelled image") }
        guard features.train.dimension == backbone.featureDimension else {
            throw TrainingError.featureDimensionMismatch(expected: backbone.featureDimension, got: features.train.dimension)
        }
        var rng = PCG32(seed: configuration.seed)
        let head = Linear(features.train.dimension, classes.count, rng: &rng)
        let optimizer = makeOptimizer(head)
        let batch = configuration.batchSize, count = features.train.count
        let stepsPerEpoch = (count + batch - 1) / batch
        let schedule = makeSchedule(totalSteps: configuration.epochs * stepsPerEpoch)
        var state = try resumeState(model: head, optimizer: optimizer)
        let began = Date(), firstEpoch = state.completedEpochs
        while state.completedEpochs < configuration.epochs && !state.stoppedEarly {
            let epoch = state.completedEpochs
            let started = Date()
            let order = Self.permutation(count, seed: configuration.seed, epoch: epoch)
            var totals = Totals()
            for start in stride(from: 0, to: count, by: batch) {
                if Task.isCancelled { throw CancellationError() }
                let members = order[start..<min(count, start + batch)]
                let labels = members.map { features.train.labels[$0] }
                try step(head, optimizer, schedule, input: try features.train.rows(members), labels: labels, state: &state, totals: &totals)
            }
            let validated = try features.validation.map { try Self.measure(head, on: $0, batchSize: 1024) }
            try endEpoch(epoch, totals: totals, validated: validated, started: started, since: (began, firstEpoch),
                         model: head, optimizer: optimizer, state: &state)
        }
        var outcome = try finish(head, state: state)
        outcome.model = try backbone.classifier(withHead: head, classes: classes.count)
        return outcome
    }

    /// Loss (without label smoothing) and accuracy of a head on feature rows.
    static func measure(_ head: any Module, on features: FeatureMatrix, batchSize: Int) throws -> Totals {
        var totals = Totals()
        head.eval()
        defer { head.train() }
        try GradientMode.withoutGradients {
            for start in stride(from: 0, to: features.count, by: batchSize) {
                let members = start..<min(features.count, start + batchSize)
                let labels = Array(features.labels[members])
                let logits = try head(Variable(try features.rows(members)))
                totals.add(loss: try Variable(logits.value).crossEntropy(targets: labels).value.scalars[0], logits: logits.value, labels: labels)
            }
        }
        return totals
    }

    /// The epoch's order of the rows, from (seed, epoch) alone so a resumed run draws what an unbroken one drew.
    static func permutation(_ count: Int, seed: UInt64, epoch: Int) -> [Int] {
        var rng = PCG32(seed: seed, stream: UInt64(epoch + 1))
        var order = Array(0..<count)
        for i in stride(from: count - 1, to: 0, by: -1) { order.swapAt(i, Int(rng.next() % UInt64(i + 1))) }
        return order
    }
}
