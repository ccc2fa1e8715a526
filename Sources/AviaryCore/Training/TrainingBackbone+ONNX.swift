import AviaryNN
import AviaryONNX
import AviaryStore
import AviaryTensor

extension TrainingBackbone {
    /// What `architecture` says for a user's ONNX backbone: the network is the imported graph itself
    /// (with a fresh `head`), not a zoo model built by name.
    public static let onnxArchitecture = "onnx"

    public var isONNX: Bool { architecture == Self.onnxArchitecture }

    /// A backbone registered with `aviary backbone add`: the stored graph cut at its feature value.
    /// Head mode caches its features like a zoo backbone's; finetune trains the graph's weights under
    /// a fresh `Linear` named `head` (so `--backbone-lr-scale` slows everything but the head). Either
    /// way the artifact is the whole classifier as one ONNX graph (`ClassifierArtifacts`).
    init(onnx backbone: Backbone, blobs: any BlobStore) {
        self.init(name: backbone.name, architecture: Self.onnxArchitecture, sha256: backbone.sha256, preprocessing: backbone.preprocessing,
                  featureDimension: backbone.featureDimension, headName: "head",
                  makeClassifier: { try backbone.pretrainedClassifier(classes: $0, seed: $1, blobs: blobs) },
                  makeExtractor: { try backbone.featureExtractor(blobs: blobs) })
        let (name, registered, dimension) = (backbone.name, backbone.preprocessing.inputSize, backbone.featureDimension)
        checkImageSize = { size in
            guard size != registered else { return }
            let found: Int
            do {
                found = try backbone.importedBackbone(blobs: blobs).featureCount(inputShape: [1, backbone.preprocessing.channels, size, size])
            } catch {
                throw TrainingError.invalidConfiguration(field: "image-size", detail:
                    "the ONNX backbone '\(name)' cannot take \(size)×\(size) images (\(error)); it was registered for \(registered)×\(registered): leave --image-size out or pass --image-size \(registered)")
            }
            guard found == dimension else {
                throw TrainingError.invalidConfiguration(field: "image-size", detail:
                    "the ONNX backbone '\(name)' gives \(found) features for \(size)×\(size) images, not the \(dimension) it gives at its registered \(registered)×\(registered) (a layer before its features has a fixed size): leave --image-size out or pass --image-size \(registered)")
            }
        }
    }
}
