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
            guard let inputName, let featureOutput else {
                throw BackboneError.unsupported(name: name, operation: "run: its record names no input or feature output")
            }
            let graph = try ONNXFeatureExtractor.graph(try Self.onnxModel(weights, blobs: blobs, name: name), featureOutput: featureOutput)
            return ONNXFeatureExtractor(graph: graph, inputName: inputName, featureOutput: featureOutput, dimension: featureDimension)
        }
    }

    /// Zoo only, for fine-tuning: the whole network with every pretrained weight loaded and a fresh
    /// classifier layer of `classes` outputs (drawn from `seed`). With the pretrained class count the
    /// pretrained classifier is kept, which is what `aviary predict --backbone` runs.
    public func pretrainedClassifier(classes: Int, seed: UInt64, blobs: any BlobStore) throws -> any Module {
        guard source == .zoo else {
            throw BackboneError.unsupported(name: name, operation: "be fine-tuned as a whole (ONNX backbones train a head on their features)")
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

    static func onnxModel(_ id: BlobID, blobs: any BlobStore, name: String) throws -> Onnx_ModelProto {
        guard try blobs.contains(id) else { throw BackboneError.weightsMissing(name: name, blob: id.description) }
        if let files = blobs as? FileSystemBlobStore { return try ONNXModelFile.load(files.path(of: id)) }
        let temporary = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-backbone-\(UUID().uuidString).onnx")
        defer { try? FileManager.default.removeItem(at: temporary) }
        try blobs.data(id).write(to: temporary)
        return try ONNXModelFile.load(temporary)
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
