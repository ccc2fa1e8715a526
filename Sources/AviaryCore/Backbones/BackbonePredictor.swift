import AviaryNN
import AviaryStore
import AviaryVision
import Foundation

/// A zoo backbone's own pretrained classifier, as `aviary predict --backbone` runs it: ImageNet's
/// 1000 classes by name with softmax probabilities. A quick check that pulled weights are the real
/// ones, and a usable classifier in itself.
public final class BackbonePredictor {
    public let backbone: Backbone
    public let classes: [String]
    let model: any Module
    public var batchSize = 16
    public var workers = 2

    /// One image's best classes, most probable first.
    public struct Prediction: Codable, Sendable, Equatable {
        public var image: String
        public var top: [Ranked]

        public struct Ranked: Codable, Sendable, Equatable {
            /// The class's output index (ImageNet-1k order).
            public var index: Int
            public var label: String
            public var probability: Double
        }
    }

    public init(backbone: Backbone, blobs: any BlobStore) throws {
        guard backbone.source == .zoo, let zoo = ZooBackbone.all.first(where: { $0.architecture == backbone.architecture }),
              zoo.pretrainedClasses == ImageNetClasses.names.count else {
            throw BackboneError.unsupported(name: backbone.name, operation: "classify on its own: only zoo backbones carry a pretrained ImageNet classifier")
        }
        self.backbone = backbone
        self.classes = ImageNetClasses.names
        self.model = try backbone.pretrainedClassifier(classes: zoo.pretrainedClasses, seed: 0, blobs: blobs)
    }

    /// Predictions for image files in the order given; unreadable files come back as failures.
    public func predict(files: [String], topK: Int = 5) throws -> (predictions: [Prediction], failures: [SampleFailure]) {
        var rows: [Int: [Double]] = [:], failures: [SampleFailure] = []
        try Classifier.forEachBatch(model, source: ImageFileSource(paths: files, labels: files.map { _ in 0 }),
                                    pipeline: backbone.preprocessing.pipeline, batchSize: batchSize, workers: workers,
                                    skipped: { failures.append($0) }) { batch, logits in
            for (index, row) in zip(batch.indices, Classifier.probabilities(rowsOf: logits)) { rows[index] = row }
        }
        let predictions = files.indices.compactMap { index in
            rows[index].map { Prediction(image: files[index], top: Self.ranked($0, classes: classes, topK: topK)) }
        }
        return (predictions, failures.sorted { $0.index < $1.index })
    }

    static func ranked(_ probabilities: [Double], classes: [String], topK: Int) -> [Prediction.Ranked] {
        probabilities.indices.sorted { probabilities[$0] != probabilities[$1] ? probabilities[$0] > probabilities[$1] : $0 < $1 }
            .prefix(max(1, topK)).map { Prediction.Ranked(index: $0, label: classes[$0], probability: probabilities[$0]) }
    }
}
