/// Decode → transform → batch on worker threads, with a bounded number of batches in flight.
///
/// Order and content depend only on the seed and epoch: the epoch's permutation fixes which samples
/// form batch k, each sample's augmentations come from a generator seeded by (seed, epoch, index),
/// and batches are handed out in order however the threads race. Memory stays flat: a worker may
/// only start batch k while k < (next batch to hand out) + `prefetch`.
public struct DataLoader<Source: ImageSampleSource>: Sendable {
    public struct Configuration: Sendable, Hashable {
        public var batchSize: Int
        public var workers: Int
        /// Most batches being built or waiting to be consumed at any moment (the batch the consumer
        /// is holding comes on top: at most `prefetch + 1` batches of samples are alive).
        public var prefetch: Int
        public var shuffle: Bool
        public var seed: UInt64

        public init(batchSize: Int, workers: Int = 2, prefetch: Int = 4, shuffle: Bool = true, seed: UInt64 = 0) {
            precondition(batchSize > 0 && workers > 0 && prefetch > 0,
                         "batchSize, workers and prefetch must be positive (got \(batchSize), \(workers), \(prefetch))")
            self.batchSize = batchSize
            self.workers = workers
            self.prefetch = prefetch
            self.shuffle = shuffle
            self.seed = seed
        }
    }

    public let source: Source
    public let pipeline: ImagePipeline
    public let configuration: Configuration

    public init(source: Source, pipeline: ImagePipeline, configuration: Configuration) {
        self.source = source
        self.pipeline = pipeline
        self.configuration = configuration
    }

    public var batchCount: Int { (source.count + configuration.batchSize - 1) / configuration.batchSize }

    /// The dataset indices of the epoch, in the order batches take them.
    public func order(epoch: Int) -> [Int] {
        var indices = Array(0..<source.count)
        guard configuration.shuffle else { return indices }
        var generator = SeededGenerator(seed: configuration.seed, stream: UInt64(epoch), index: UInt64.max)
        if indices.count > 1 {
            for i in stride(from: indices.count - 1, to: 0, by: -1) {
                indices.swapAt(i, Int(generator.next() % UInt64(i + 1)))
            }
        }
        return indices
    }

    /// Starts the workers for `epoch`. Iterate the result to the end, or drop it: either way the
    /// workers stop and are joined before the iterator goes away.
    public func batches(epoch: Int = 0) -> BatchIterator {
        let order = order(epoch: epoch)
        let size = configuration.batchSize
        let build: @Sendable (Int, ImageDecoder) -> Batch = { [source, pipeline, seed = configuration.seed] position, decoder in
            let members = Array(order[(position * size)..<min(order.count, (position + 1) * size)])
            return BatchAssembler.assemble(position: position, indices: members, source: source, pipeline: pipeline,
                                           seed: seed, epoch: epoch, decoder: decoder)
        }
        return BatchIterator(batchCount: batchCount, workers: configuration.workers, prefetch: configuration.prefetch,
                             build: build)
    }
}
