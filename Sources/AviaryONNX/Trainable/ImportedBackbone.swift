import AviaryNN
import Foundation

/// A user's pretrained ONNX network as a feature extractor for transfer learning: the graph cut at
/// `featureOutput` (a classifier's pooled features, before its old head), returning [N, F]. Its
/// weights are trainable parameters under their ONNX names — freeze them for a head on cached
/// features, or fine-tune them with the head — and `exportClassifier` writes backbone and new
/// head as one ONNX model with a dynamic batch.
public final class ImportedBackbone: Module, ONNXExportable {
    /// The cut graph; its parameters and buffers are this backbone's, under the same names.
    public let graph: ImportedModule
    public let featureOutput: String

    /// `featureOutput` names the value to cut at; nil finds the classifier's input
    /// (`detectFeatureOutput`), or keeps the graph's output when there is no classifier.
    public init(onnx: Data, featureOutput: String? = nil, seed: UInt64 = 0) throws {
        let model = try ImportedModule.decode(onnx)
        let cut = featureOutput ?? Self.detectFeatureOutput(model)
        graph = try ImportedModule(model, outputs: cut.map { [$0] }, seed: seed)
        self.featureOutput = graph.outputNames[0]
        guard graph.inputNames.count == 1 else { throw ImportedModuleError.inputCount(names: graph.inputNames) }
    }

    public convenience init(contentsOf url: URL, featureOutput: String? = nil, seed: UInt64 = 0) throws {
        try self.init(onnx: try ONNXModelFile.readBytes(url), featureOutput: featureOutput, seed: seed)
    }

    /// The features a classifier's last layer reads: the data input of the last Gemm or MatMul
    /// whose weight is a constant (PyTorch's `fc`, PaddlePaddle's `fc_0`). Nil when there is none.
    public static func detectFeatureOutput(_ model: Onnx_ModelProto) -> String? {
        let weights = Set(model.graph.initializer.map(\.name) + model.graph.node.filter { $0.opType == "Constant" }.flatMap(\.output))
        let last = model.graph.node.last { ["Gemm", "MatMul"].contains($0.opType) && $0.input.count > 1 && weights.contains($0.input[1]) }
        return last?.input.first
    }

    /// The graph input images feed, e.g. "x" or "input".
    public var inputName: String { graph.inputNames[0] }

    public var isTraining: Bool {
        get { graph.isTraining }
        set { graph.isTraining = newValue }
    }

    public var localParameters: [(String, Variable)] { graph.localParameters }
    public var localBuffers: [(String, Buffer)] { graph.localBuffers }

    /// Features [N, F]: the cut value flattened after the batch axis.
    public func features(_ input: Variable) throws -> Variable {
        let value = try graph(input)
        return value.shape.count == 2 ? value : try value.flattened()
    }

    public func forward(_ input: Variable) throws -> Variable { try features(input) }

    /// Frozen-backbone features for caching: eval mode (restored afterwards) and no gradient
    /// recording, so a batch costs one inference pass and leaves the running statistics alone.
    public func features(_ images: Tensor) throws -> Tensor {
        let wasTraining = isTraining
        isTraining = false
        defer { isTraining = wasTraining }
        return try GradientMode.withoutGradients { try features(Variable(images)).value }
    }

    /// F for images of `inputShape` ([N, C, H, W]), found by one inference run.
    public func featureCount(inputShape: [Int]) throws -> Int {
        try graph.outputShape(inputShape, path: "", type: "ImportedBackbone").dropFirst().reduce(1, *)
    }

    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        let value = try graph.exportONNX(input, path: path, into: &exporter)
        guard value.shape.count != 2 else { return value }
        return try exporter.emit(Flatten(), value, path: ONNXExporter.join(path, "flatten"))
    }

    /// Backbone and `head` as one ONNX model: input `inputName` [N, C, H, W] (N dynamic, the rest
    /// as `inputShape`), output "probabilities" (Softmax over the head's logits) or, with
    /// `probabilities: false`, "logits". The class names are stored in the model's metadata
    /// under "classes" (a JSON array), in the head's output order.
    public func exportClassifier(head: Linear, classes: [String], inputShape: [Int], probabilities: Bool = true) throws -> Data {
        let (outputs, inputs) = (head.weight.shape[0], head.weight.shape[1])
        guard outputs == classes.count else {
            throw ImportedModuleError.headMismatch(detail: "the head has \(outputs) outputs for \(classes.count) class names")
        }
        let features = try featureCount(inputShape: inputShape)
        guard inputs == features else {
            throw ImportedModuleError.headMismatch(detail: "the head takes \(inputs) features; the backbone gives \(features) at '\(featureOutput)' for input \(inputShape)")
        }
        let classifier = ImportedClassifier(backbone: self, head: head, probabilities: probabilities)
        var model = try ONNXExporter.model(classifier, inputShape: inputShape, inputName: inputName,
                                           outputName: probabilities ? "probabilities" : "logits", graphName: "aviary_classifier")
        var entry = Onnx_StringStringEntryProto()
        entry.key = "classes"
        entry.value = String(decoding: try JSONEncoder().encode(classes), as: UTF8.self)
        model.metadataProps = [entry]
        return try model.serializedData()
    }
}
