import AviaryCore
import Testing

@Suite("Training loop pieces")
struct TrainingLoopPiecesTests {
    @Test("early stopping keeps the best epoch and stops after patience runs out")
    func earlyStopping() {
        var stopper = EarlyStopping(goal: .maximize, patience: 2, minimumDelta: 0.01)
        #expect(stopper.record(0.50, epoch: 1) == .improved)
        #expect(stopper.record(0.60, epoch: 2) == .improved)
        #expect(stopper.record(0.605, epoch: 3) == .continueTraining, "smaller than the minimum delta")
        #expect(stopper.record(0.62, epoch: 4) == .improved)
        #expect(stopper.record(0.61, epoch: 5) == .continueTraining)
        #expect(stopper.record(.nan, epoch: 6) == .stop(bestEpoch: 4))
        #expect(stopper.best == 0.62 && stopper.bestEpoch == 4)

        var loss = EarlyStopping(goal: .minimize, patience: 1)
        #expect(loss.record(.nan, epoch: 1) == .continueTraining, "NaN is never a best")
        #expect(loss.record(1.0, epoch: 2) == .improved)
        #expect(loss.record(1.5, epoch: 3) == .stop(bestEpoch: 2))
    }

    @Test("the progress line shows position, metrics, speed and time left")
    func progressLine() {
        let metrics = EpochMetrics(epoch: 3, trainLoss: 0.41234, trainAccuracy: 0.8523, validationLoss: 0.5,
                                   validationAccuracy: 0.81, learningRate: 0.00125, images: 6000, seconds: 4)
        #expect(TrainingProgress.line(metrics, of: 10, elapsed: 90)
            == "epoch 3/10  loss 0.4123  acc 85.2%  val_loss 0.5000  val_acc 81.0%  lr 0.00125  1500 img/s  ETA 3m30s")
        #expect(TrainingProgress.duration(7) == "7s")
        #expect(TrainingProgress.duration(7300) == "2h01m")
    }

    @Test("learning curves draw train and validation when both exist")
    func curves() {
        let epochs = (1...3).map { EpochMetrics(epoch: $0, trainLoss: 1 / Double($0), trainAccuracy: 0.5 + 0.1 * Double($0),
                                                validationLoss: $0 == 1 ? nil : 1.2 / Double($0), learningRate: 0.1, images: 10, seconds: 1) }
        let loss = LearningCurves.lossSVG(epochs), accuracy = LearningCurves.accuracySVG(epochs)
        #expect(loss.components(separatedBy: "<polyline").count - 1 == 2)
        #expect(accuracy.components(separatedBy: "<polyline").count - 1 == 1)
        #expect(accuracy.contains(">Accuracy</text>"))
    }
}
