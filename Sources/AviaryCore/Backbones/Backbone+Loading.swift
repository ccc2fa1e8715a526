import AviaryNN
import AviaryONNX
import AviaryStore
import AviaryTensor
import Foundation

extension Backbone {
    /// The backbone as a frozen feature extractor: zoo weights loaded into the AviaryNN model (its
    /// pooled features, before the classifier layer); an ONNX graph run up to `featureOutput`.
    public func featureExtractor(blobs: any BlobStore) throws -> any FeatureExtractor {
        switch source {
        case .zoo:
            let zoo = try zooEntry()
            let model = try zoo.makeModel(classes: zoo.pretrainedClasses, seed: 0)
            try model.load(stateDict: try pretrainedState(blobs: blobs), strict: true)
            return ZooFeatureExtractor(zoo: zoo, model: model)
        case .onnx:
            let backbone = try importedBackbone(blobs: blobs, seed: 0)
            return ONNXFeatureExtractor(backbone: backbone, dimension: featureDimension)
        }
    }

    /// For fine-tuning: the whole network with every pretrained weight loaded and a fresh classifier
    /// layer of `classes` outputs (drawn from `seed`). Zoo: the AviaryNN model, whose pretrained
    /// classifier is kept when `classes` is the pretrained count (what `aviary predict --backbone`
    /// runs). ONNX: an `ImportedClassifier`, the graph cut at `featureOutput` with a new `Linear` head.
    public func pretrainedClassifier(classes: Int, seed: UInt64, blobs: any BlobStore) throws -> any Module {
        guard source == .zoo else {
            var rng = PCG32(seed: seed)
            let backbone = try importedBackbone(blobs: blobs, seed: seed)
            return ImportedClassifier(backbone: backbone, head: Linear(featureDimension, classes, rng: &rng), probabilities: false)
        }
        let zoo = try zooEntry()
        let model = try zoo.makeModel(classes: classes, seed: seed)
        var state = try pretrainedState(blobs: blobs)
        if classes != zoo.pretrainedClasses {
            let fresh = model.stateDict().entries.filter { $0.name.hasPrefix(zoo.classifierPrefix) }
            state = TensorArchive(entries: state.entries.filter { !$0.name.hasPrefix(zoo.classifierPrefix) } + fresh)
        }
        try model.load(stateDict: state, strict: true)
        return model
    }

    /// ONNX only: the stored graph cut at `featureOutput`, its weights trainable parameters.
    public func importedBackbone(blobs: any BlobStore, seed: UInt64 = 0) throws -> ImportedBackbone {
        guard source == .onnx, let featureOutput else {
            throw BackboneError.unsupported(name: name, operation: "be imported as an ONNX graph (it is a \(source.rawValue) backbone)")
        }
        guard try blobs.contains(weights) else { throw BackboneError.weightsMissing(name: name, blob: weights.description) }
        return try ImportedBackbone(onnx: try blobs.data(weights), featureOutput: featureOutput, seed: seed)
    }

    private func zooEntry() throws -> ZooBackbone {
        guard let zoo = ZooBackbone.all.first(where: { $0.architecture == architecture }) else {
            throw BackboneError.unsupported(name: name, operation: "be built: this Aviary has no zoo architecture '\(architecture ?? "none")'")
        }
        return zoo
    }

    /// The weights file read by the safe `.pth` reader (no pickled code runs).
    private func pretrainedState(blobs: any BlobStore) throws -> TensorArchive {
        guard try blobs.contains(weights) else { throw BackboneError.weightsMissing(name: name, blob: weights.description) }
        return try TorchCheckpoint.decode([UInt8](try blobs.data(weights)), path: "\(name) weights (\(weights))").tensorArchive()
    }
}

/// A zoo network's pooled features, in evaluation mode without gradients.
final class ZooFeatureExtractor: FeatureExtractor {
    let zoo: ZooBackbone
    let model: any Module
    var dimension: Int { zoo.featureDimension }

    init(zoo: ZooBackbone, model: any Module) {
        self.zoo = zoo
        self.model = model
        model.eval()
    }

    func features(_ images: Tensor) throws -> Tensor {
        try GradientMode.withoutGradients { try zoo.features(of: model, Variable(images)).value }
    }
}
