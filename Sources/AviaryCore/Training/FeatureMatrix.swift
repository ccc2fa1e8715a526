import AviaryNN

/// Backbone features of a dataset's images, one row per usable image, with its class: what a head
/// trains on, held in memory (10,000 images × 1,280 floats is 51 MB).
public struct FeatureMatrix: Sendable, Equatable {
    public var dimension: Int
    /// Row-major, `count × dimension`.
    public var values: [Float]
    public var labels: [Int]

    public init(dimension: Int, values: [Float], labels: [Int]) {
        precondition(values.count == labels.count * dimension, "\(values.count) values do not make \(labels.count) rows of \(dimension)")
        self.dimension = dimension
        self.values = values
        self.labels = labels
    }

    public var count: Int { labels.count }

    /// The rows at `indices`, in that order, as a `[indices.count, dimension]` tensor.
    public func rows(_ indices: some Collection<Int>) throws -> Tensor {
        var scalars: [Float] = []
        scalars.reserveCapacity(indices.count * dimension)
        for index in indices { scalars += values[(index * dimension)..<((index + 1) * dimension)] }
        return try Tensor(shape: [indices.count, dimension], scalars: scalars)
    }
}

/// The features head training reads: the training images', and the validation images' when there are some.
public struct HeadFeatures: Sendable, Equatable {
    public var train: FeatureMatrix
    public var validation: FeatureMatrix?

    public init(train: FeatureMatrix, validation: FeatureMatrix?) {
        self.train = train
        self.validation = validation
    }
}
