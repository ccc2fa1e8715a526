import AviaryNN
import AviaryStore
import AviaryVision
import Foundation

/// How far computing features has got, for the line a person watches.
public struct FeatureExtractionProgress: Sendable, Equatable {
    /// Which images: `train`, `validation`, or empty.
    public var part = ""
    public var done: Int
    public var total: Int
    public var seconds: Double

    public init(part: String = "", done: Int, total: Int, seconds: Double) {
        self.part = part
        self.done = done
        self.total = total
        self.seconds = seconds
    }

    public var imagesPerSecond: Double { seconds > 0 ? Double(done) / seconds : 0 }

    /// `features (train) 3200/10000  412 img/s  ETA 16s`.
    public var line: String {
        let remaining = imagesPerSecond > 0 ? Double(total - done) / imagesPerSecond : 0
        return "features" + (part.isEmpty ? "" : " (\(part))") + " \(done)/\(total)  \(Int(imagesPerSecond.rounded())) img/s  ETA \(TrainingProgress.duration(remaining))"
    }
}

extension FeatureCache {
    /// What `features(of:…)` found and did.
    public struct Extraction: Sendable {
        public var matrix: FeatureMatrix
        /// Distinct images whose rows came from the cache, and those the backbone ran on.
        public var cached: Int
        public var computed: Int
        /// Images that could not be decoded: left out of the matrix.
        public var skipped: [SampleFailure]
    }

    /// Feature rows for every image of `source`, in its order: from the cache where present, the rest
    /// computed in batches by the extractor (made only when something is missing, so a fully cached
    /// run never builds the backbone) and stored, a chunk every `chunkRows` rows so an interrupted
    /// extraction keeps what it finished.
    public func features(of source: DatasetImageSource, key: FeatureCacheKey, pipeline: ImagePipeline, batchSize: Int = 64,
                         workers: Int = 2, chunkRows: Int = 4096, extractor makeExtractor: () throws -> any FeatureExtractor,
                         progress: (FeatureExtractionProgress) -> Void = { _ in }) async throws -> Extraction {
        let distinct = Array(Set(source.images)).sorted()
        let lookup = try await lookup(key, images: distinct)
        var rows = lookup.found, dimension = lookup.dimension, skipped: [SampleFailure] = []
        if !lookup.missing.isEmpty {
            let extractor = try makeExtractor()
            if let dimension, dimension != extractor.dimension {
                throw TrainingError.featureDimensionMismatch(expected: dimension, got: extractor.dimension)
            }
            dimension = extractor.dimension
            let missing = DatasetImageSource(blobs: source.blobs, images: lookup.missing, labels: lookup.missing.map { _ in 0 })
            let loader = DataLoader(source: missing, pipeline: pipeline, configuration: .init(batchSize: batchSize, workers: workers, shuffle: false))
            var pending: (images: [BlobID], values: [Float]) = ([], [])
            let started = Date()
            var done = 0
            for batch in loader.batches() {
                if Task.isCancelled { throw CancellationError() }
                skipped += batch.skipped
                done += batch.indices.count + batch.skipped.count
                if !batch.indices.isEmpty {
                    let output = try extractor.features(try batch.tensor)
                    guard output.shape == [batch.indices.count, extractor.dimension] else {
                        throw TrainingError.featureDimensionMismatch(expected: extractor.dimension, got: output.shape.last ?? 0)
                    }
                    for (row, index) in batch.indices.enumerated() {
                        let values = Array(output.scalars[(row * extractor.dimension)..<((row + 1) * extractor.dimension)])
                        rows[missing.images[index]] = values
                        pending.images.append(missing.images[index])
                        pending.values += values
                    }
                }
                if pending.images.count >= chunkRows {
                    try await store(key, images: pending.images, dimension: extractor.dimension, values: pending.values)
                    pending = ([], [])
                }
                progress(FeatureExtractionProgress(done: done, total: missing.count, seconds: Date().timeIntervalSince(started)))
            }
            try await store(key, images: pending.images, dimension: extractor.dimension, values: pending.values)
        }
        let width = dimension ?? 0
        var values: [Float] = [], labels: [Int] = []
        values.reserveCapacity(source.count * width)
        for (image, label) in zip(source.images, source.labels) {
            guard let row = rows[image] else { continue }
            values += row
            labels.append(label)
        }
        let failed = Set(skipped.map(\.index))
        return Extraction(matrix: FeatureMatrix(dimension: width, values: values, labels: labels), cached: lookup.found.count,
                          computed: lookup.missing.count - failed.count, skipped: skipped)
    }
}
