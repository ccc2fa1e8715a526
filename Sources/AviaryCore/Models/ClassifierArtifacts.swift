import AviaryNN
import AviaryONNX
import AviaryStore
import Foundation

/// Trained engine networks in and out of model artifacts.
public enum ClassifierArtifacts {
    /// Stores the model's state dict, its ONNX export (when the exporter knows the architecture, so
    /// the artifact runs in ONNX Runtime and elsewhere without Aviary) and the artifact that describes
    /// both; answers the artifact's id.
    public static func save(_ model: any Module, architecture: String, classes: [String], preprocessing: PreprocessingSpec,
                            metrics: [String: Double], lineage: ModelArtifact.Lineage, blobs: any BlobStore) throws -> (id: BlobID, artifact: ModelArtifact) {
        if let imported = model as? ImportedClassifier {
            return try saveImported(imported, classes: classes, preprocessing: preprocessing, metrics: metrics, lineage: lineage, blobs: blobs)
        }
        let weights = try blobs.put(model.stateDict().encoded()).id
        let signature = ModelArtifact.Signature(input: "input", output: "logits", outputIsProbabilities: false)
        let onnx = try exportONNX(model, preprocessing: preprocessing, signature: signature).map { try blobs.put($0).id }
        let artifact = ModelArtifact(onnx: onnx, weights: .init(architecture: architecture, stateDict: weights), classes: classes,
                                     preprocessing: preprocessing, signature: signature, metrics: metrics, lineage: lineage)
        return try ModelArtifactStore(blobs: blobs).save(artifact)
    }

    /// The model as ONNX for [N, channels, size, size] input, or nil for an architecture the exporter
    /// does not cover yet (the engine weights still serve Aviary itself).
    static func exportONNX(_ model: any Module, preprocessing: PreprocessingSpec, signature: ModelArtifact.Signature) throws -> Data? {
        let shape = [1, preprocessing.channels, preprocessing.inputSize, preprocessing.inputSize]
        do {
            return try ONNXExporter.model(model, inputShape: shape, inputName: signature.input, outputName: signature.output).serializedData()
        } catch is ONNXExportError {
            return nil
        }
    }

    /// The artifact's network, built and loaded (or, for an artifact that holds only ONNX, imported),
    /// in evaluation mode.
    public static func load(_ artifact: ModelArtifact, blobs: any BlobStore) throws -> any Module {
        guard let weights = artifact.weights else { return try loadImported(artifact, blobs: blobs) }
        let model = try ClassifierModels.make(weights.architecture, classes: artifact.classes.count, seed: 0)
        try model.load(stateDict: try TensorArchive(decoding: try blobs.data(weights.stateDict), source: weights.stateDict.description))
        model.eval()
        return model
    }

    /// An artifact named by its blob id, or by a registered version `GROUP/NUMBER`.
    public static func resolve(_ reference: String, project: Project) async throws -> (id: BlobID, artifact: ModelArtifact) {
        try await resolve(reference, metadata: project.metadata, blobs: project.blobs)
    }

    public static func resolve(_ reference: String, metadata: any MetadataStore, blobs: any BlobStore) async throws -> (id: BlobID, artifact: ModelArtifact) {
        let store = ModelArtifactStore(blobs: blobs)
        if let id = try? BlobID(parsing: reference) { return (id, try store.load(id)) }
        let parts = reference.split(separator: "/")
        guard parts.count == 2, let number = Int(parts[1]) else {
            throw TrainingError.unusableData("'\(reference)' names no model: give a model artifact's id (sha256:…) or a registered version GROUP/NUMBER")
        }
        let version = try await ModelRegistry(metadata: metadata).version(String(parts[0]), number)
        guard let id = version.artifact else {
            throw TrainingError.unusableData("model version \(reference) was registered without an artifact")
        }
        return (id, try store.load(id))
    }
}
