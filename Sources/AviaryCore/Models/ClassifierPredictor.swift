import AviaryNN
import AviaryStore
import AviaryVision
import Foundation

/// A model artifact ready to classify images, as `aviary predict` and `aviary evaluate --model` use it.
public final class ClassifierPredictor {
    public let artifact: ModelArtifact
    let model: any Module
    public var batchSize = 32
    public var workers = 2

    public init(artifact: ModelArtifact, blobs: any BlobStore) throws {
        self.artifact = artifact
        self.model = try ClassifierArtifacts.load(artifact, blobs: blobs)
    }

    /// One image's answer: the best class first.
    public struct Prediction: Codable, Sendable, Equatable {
        public var image: String
        public var label: String
        public var confidence: Double
        public var top: [Ranked]
        public var probabilities: [Double]

        public struct Ranked: Codable, Sendable, Equatable {
            public var label: String
            public var confidence: Double
        }
    }

    /// Class probabilities for every sample of `source` that decodes, by sample index; the others
    /// come back as failures naming the sample and why.
    public func probabilities(_ source: some ImageSampleSource) throws -> (probabilities: [Int: [Double]], failures: [SampleFailure]) {
        var result: [Int: [Double]] = [:], failures: [SampleFailure] = []
        try Classifier.forEachBatch(model, source: source, pipeline: artifact.preprocessing.pipeline, batchSize: batchSize, workers: workers,
                                    skipped: { failures.append($0) }) { batch, logits in
            let rows = artifact.signature.outputIsProbabilities
                ? (0..<logits.shape[0]).map { row in logits.scalars[(row * logits.shape[1])..<((row + 1) * logits.shape[1])].map(Double.init) }
                : Classifier.probabilities(rowsOf: logits)
            for (index, row) in zip(batch.indices, rows) { result[index] = row }
        }
        return (result, failures)
    }

    /// Class probabilities for each distinct image of a dataset version, by image id; images that
    /// cannot be decoded come back as failures.
    public func probabilities(of manifest: DatasetManifest, blobs: any BlobStore) throws -> (byImage: [BlobID: [Double]], failures: [SampleFailure]) {
        let images = Array(Set(manifest.items.map(\.image))).sorted()
        let (rows, failures) = try probabilities(DatasetImageSource(blobs: blobs, images: images, labels: images.map { _ in 0 }))
        return (Dictionary(uniqueKeysWithValues: rows.map { (images[$0.key], $0.value) }), failures)
    }

    /// `probabilities(of:blobs:)` for a model artifact, on a compute thread of its own: the pipeline's
    /// evaluate and transform steps call it from the cooperative pool, which must stay free.
    public static func probabilities(of manifest: DatasetManifest, artifact: ModelArtifact,
                                     blobs: any BlobStore) async throws -> (byImage: [BlobID: [Double]], failures: [SampleFailure]) {
        try await ComputeThread.run("scoring") {
            try ClassifierPredictor(artifact: artifact, blobs: blobs).probabilities(of: manifest, blobs: blobs)
        }
    }

    /// Predictions for image files, in the order given; files that cannot be read or decoded are
    /// reported, not fatal.
    public func predict(files: [String], topK: Int = 3) throws -> (predictions: [Prediction], failures: [SampleFailure]) {
        let source = ImageFileSource(paths: files, labels: files.map { _ in 0 })
        let (probabilities, failures) = try self.probabilities(source)
        let predictions = files.indices.compactMap { index in probabilities[index].map { prediction(files[index], $0, topK: topK) } }
        return (predictions, failures.sorted { $0.index < $1.index })
    }

    func prediction(_ name: String, _ probabilities: [Double], topK: Int) -> Prediction {
        let ranked = probabilities.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
        let top = ranked.prefix(max(topK, 1)).map { Prediction.Ranked(label: artifact.classes[$0], confidence: probabilities[$0]) }
        return Prediction(image: name, label: top[0].label, confidence: top[0].confidence, top: Array(top), probabilities: probabilities)
    }
}
