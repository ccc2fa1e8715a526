import AviaryONNX
import AviaryStore
import AviaryTensor
import Foundation

extension BackboneCatalog {
    /// What `aviary backbone add` needs beyond the file: how images are prepared and which value is
    /// the features. Unset fields come from the model (its input's static size) or ImageNet defaults.
    public struct ONNXOptions: Sendable {
        public var inputSize: Int?
        public var mean: [Float]?
        public var std: [Float]?
        /// The value taken as features; when nil, the input of the classifier's last Gemm/MatMul
        /// (`ImportedBackbone.detectFeatureOutput`), else the graph's first output.
        public var featureOutput: String?

        public init(inputSize: Int? = nil, mean: [Float]? = nil, std: [Float]? = nil, featureOutput: String? = nil) {
            self.inputSize = inputSize
            self.mean = mean
            self.std = std
            self.featureOutput = featureOutput
        }
    }

    /// Imports `file` (every operator up to the features checked), cuts it at the feature value, runs one blank image
    /// through it to learn the feature dimension, then stores the file and registers it under
    /// `name`. Any problem names the file.
    public func addONNX(_ file: URL, name: String, options: ONNXOptions = ONNXOptions()) async throws -> (backbone: Backbone, isNew: Bool) {
        try Self.validate(name: name)
        if ZooBackbone.named(name) != nil { throw BackboneError.nameTaken(name: name) }
        func bad(_ reason: String) -> BackboneError { .badONNX(path: file.path, reason: reason) }
        let model: Onnx_ModelProto
        do { model = try ONNXModelFile.load(file) } catch { throw bad("\(error)") }
        let summary = ONNXModelSummary(model)
        guard summary.inputs.count == 1, let input = summary.inputs.first else {
            throw bad("a backbone takes one image input; this model has \(summary.inputs.count) (\(summary.inputs.map(\.name).joined(separator: ", ")))")
        }
        let size = try Self.imageSide(of: input, inputSize: options.inputSize, path: file.path)
        var preprocessing = PreprocessingSpec.imageNet(inputSize: size)
        if let mean = options.mean { preprocessing.mean = mean }
        if let std = options.std { preprocessing.std = std }
        do { try preprocessing.validate() } catch { throw bad("\(error)") }
        let cut = options.featureOutput ?? ImportedBackbone.detectFeatureOutput(model) ?? summary.outputs.first?.name
        guard let cut else { throw bad("the graph has no outputs") }
        let backbone: ImportedBackbone, dimension: Int
        do {
            backbone = try ImportedBackbone(onnx: try Data(contentsOf: file), featureOutput: cut)
            dimension = try backbone.featureCount(inputShape: [1, 3, size, size])
        } catch ONNXImportError.unsupportedOperator(let node, let op, let domain, let opset) {
            let error = ONNXImportError.unsupportedOperator(node: node, op: op, domain: domain, opset: opset)
            let candidates = ImportedModule.featureCandidates(model).suffix(5)
            throw bad("\(error). If that node comes after the features, pass --features VALUE naming a value before it"
                + (candidates.isEmpty ? "" : " (pooled or flattened values: \(candidates.joined(separator: ", ")))")
                + "; otherwise re-export the network without \(op) (`aviary onnx inspect \(file.lastPathComponent)` lists the nodes)")
        } catch {
            throw bad("\(error)")
        }
        let blob = try blobs.put(contentsOf: file)
        return try await register(Backbone(name: name, source: .onnx, weights: blob.id, size: blob.size, preprocessing: preprocessing,
                                           featureDimension: dimension, inputName: input.name, featureOutput: backbone.featureOutput,
                                           origin: file.lastPathComponent))
    }

    /// The image side an ONNX backbone registered under `name` was added with, nil for other names:
    /// the default `--image-size` of training on it, since its graph may take no other.
    public func onnxInputSize(_ name: String?) async throws -> Int? {
        guard let name, let backbone = try await backbone(named: name), backbone.source == .onnx else { return nil }
        return backbone.preprocessing.inputSize
    }
}
