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

    /// Imports `file` (every operator checked), cuts it at the feature value, runs one blank image
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
        guard input.elementType == "float32" else { throw bad("input '\(input.name)' is \(input.elementType), not float32") }
        let dims = input.shape ?? []
        if dims.count == 4, let channels = Int(dims[1]), channels != 3 {
            throw bad("input '\(input.name)' has \(channels) channels; backbones take RGB (N×3×H×W)")
        }
        let staticSize = dims.count == 4 ? Int(dims[2]).flatMap { h in Int(dims[3]).flatMap { $0 == h ? h : nil } } : nil
        if let given = options.inputSize, let staticSize, given != staticSize {
            throw bad("--input-size \(given) does not match the model's fixed input \(staticSize)×\(staticSize)")
        }
        let size = options.inputSize ?? staticSize ?? 224
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
        } catch {
            throw bad("\(error)")
        }
        let blob = try blobs.put(contentsOf: file)
        return try await register(Backbone(name: name, source: .onnx, weights: blob.id, size: blob.size, preprocessing: preprocessing,
                                           featureDimension: dimension, inputName: input.name, featureOutput: backbone.featureOutput,
                                           origin: file.lastPathComponent))
    }
}
