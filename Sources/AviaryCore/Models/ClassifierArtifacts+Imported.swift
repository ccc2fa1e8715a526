import AviaryNN
import AviaryONNX
import AviaryStore
import Foundation

/// Classifiers built on a user's ONNX backbone. Their network is the imported graph, which no
/// architecture name rebuilds, so the artifact holds it as one ONNX model (backbone and trained
/// head, `ImportedBackbone.exportClassifier`) and nothing else: Aviary runs that graph with its
/// importer, and ONNX Runtime runs the same file.
extension ClassifierArtifacts {
    static func saveImported(_ classifier: ImportedClassifier, classes: [String], preprocessing: PreprocessingSpec,
                             metrics: [String: Double], lineage: ModelArtifact.Lineage, blobs: any BlobStore) throws -> (id: BlobID, artifact: ModelArtifact) {
        classifier.eval()
        let shape = [1, preprocessing.channels, preprocessing.inputSize, preprocessing.inputSize]
        let graph = try classifier.backbone.exportClassifier(head: classifier.head, classes: classes, inputShape: shape, probabilities: false)
        let signature = ModelArtifact.Signature(input: classifier.backbone.inputName, output: "logits", outputIsProbabilities: false)
        return try ModelArtifactStore(blobs: blobs).save(onnx: graph) {
            ModelArtifact(onnx: $0, classes: classes, preprocessing: preprocessing, signature: signature, metrics: metrics, lineage: lineage)
        }
    }

    /// An artifact that holds only an ONNX graph, imported to run in the engine (evaluation mode),
    /// answering its signature's output for its signature's input.
    static func loadImported(_ artifact: ModelArtifact, blobs: any BlobStore) throws -> any Module {
        guard let graph = try ModelArtifactStore(blobs: blobs).graph(of: artifact) else { throw ModelArtifactError.noNetwork }
        let module = try ImportedModule(onnx: graph, outputs: [artifact.signature.output])
        guard module.inputNames == [artifact.signature.input] else {
            throw TrainingError.unsupported("the model's ONNX graph reads \(module.inputNames.joined(separator: ", ")), not the single input '\(artifact.signature.input)' its artifact names")
        }
        module.eval()
        return module
    }
}
