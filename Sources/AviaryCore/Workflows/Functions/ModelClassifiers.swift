import AviaryStore
import Foundation

/// The project models a workflow classifies with, loaded once per model and shared by every Task
/// that names it. The engine's modules are not thread-safe, so each model runs one image at a time;
/// a Map with MaxConcurrency > 1 queues on it.
final class ModelClassifiers: @unchecked Sendable {
    private let lock = NSLock()
    private var loaded: [String: ClassifierPredictor] = [:]
    let metadata: any MetadataStore
    let blobs: any BlobStore

    init(metadata: any MetadataStore, blobs: any BlobStore) {
        self.metadata = metadata
        self.blobs = blobs
    }

    /// Class probabilities of the image blob under the model `reference` (an artifact id or GROUP/NUMBER),
    /// with the model's class labels.
    func classify(_ image: BlobID, with reference: String) async throws -> (classes: [String], probabilities: [Double]) {
        let predictor: ClassifierPredictor
        if let cached = lock.withLock({ loaded[reference] }) {
            predictor = cached
        } else {
            let (_, artifact) = try await ClassifierArtifacts.resolve(reference, metadata: metadata, blobs: blobs)
            let made = try ClassifierPredictor(artifact: artifact, blobs: blobs)
            made.workers = 1  // one image per call: a second loader thread would only wait
            predictor = lock.withLock { loaded[reference] ?? { loaded[reference] = made; return made }() }
        }
        let source = DatasetImageSource(blobs: blobs, images: [image], labels: [0])
        let (rows, failures) = try lock.withLock { try predictor.probabilities(source) }
        guard let row = rows[0] else {
            throw ClassifyImageError(detail: failures.first?.reason ?? "the image could not be decoded")
        }
        return (predictor.artifact.classes, row)
    }
}

struct ClassifyImageError: Error {
    var detail: String
}
