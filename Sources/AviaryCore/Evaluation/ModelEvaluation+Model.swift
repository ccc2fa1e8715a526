import AviaryStore
import AviaryVision
import Foundation

extension ModelEvaluation {
    /// Runs a trained model over every image of `manifest` and scores it, as `aviary evaluate --model`
    /// and the pipeline's `evaluate` step do. Images that cannot be decoded are left out and returned.
    public static func run(model reference: String, on manifest: DatasetManifest, project: Project,
                           topK: [Int] = [5]) async throws -> (evaluation: ModelEvaluation, failures: [SampleFailure]) {
        let (_, artifact) = try await ClassifierArtifacts.resolve(reference, project: project)
        let (byImage, failures) = try await ClassifierPredictor.probabilities(of: manifest, artifact: artifact, blobs: project.blobs)
        return (try ModelEvaluation(manifest: manifest, classes: artifact.classes, probabilities: byImage.mapValues { $0.map(Float.init) }, topK: topK), failures)
    }
}
