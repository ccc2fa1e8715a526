/// What one epoch of training measured: one line of a run's metrics log and one point of its curves.
public struct EpochMetrics: Codable, Sendable, Hashable {
    public var epoch: Int
    public var trainLoss: Double
    public var trainAccuracy: Double
    public var validationLoss: Double?
    public var validationAccuracy: Double?
    public var learningRate: Double
    public var images: Int
    public var seconds: Double

    public init(epoch: Int, trainLoss: Double, trainAccuracy: Double, validationLoss: Double? = nil,
                validationAccuracy: Double? = nil, learningRate: Double, images: Int, seconds: Double) {
        self.epoch = epoch
        self.trainLoss = trainLoss
        self.trainAccuracy = trainAccuracy
        self.validationLoss = validationLoss
        self.validationAccuracy = validationAccuracy
        self.learningRate = learningRate
        self.images = images
        self.seconds = seconds
    }

    public var imagesPerSecond: Double { seconds > 0 ? Double(images) / seconds : 0 }
}
