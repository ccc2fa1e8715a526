import AviaryStore
import AviaryVision
import Foundation

extension ModelEvaluation {
    /// Runs a trained model over every image of `manifest` and scores it, as `aviary evaluate --model`
    /// and the pipeline's `evaluate` step do. Images that cannot be decoded are left out and returned.
    public static func run(model reference: String, on manifest: DatasetManifest, project: Project,
                           topK: [Int] = [5]) async throws -> (evaluation: ModelEvaluation, failures: [SampleFailure]) {
        let (_, artifact) = try await ClassifierArtifacts.resolve(reference, project: project)
        let images = Array(Set(manifest.items.map(\.image))).sorted()
        let source = DatasetImageSource(blobs: project.blobs, images: images, labels: images.map { _ in 0 })
        let (rows, failures) = try ClassifierPredictor(artifact: artifact, blobs: project.blobs).probabilities(source)
        let probabilities = Dictionary(uniqueKeysWithValues: rows.map { (images[$0.key], $0.value.map(Float.init)) })
        return (try ModelEvaluation(manifest: manifest, classes: artifact.classes, probabilities: probabilities, topK: topK), failures)
    }
}
