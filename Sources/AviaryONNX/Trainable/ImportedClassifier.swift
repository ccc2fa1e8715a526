import AviaryNN

/// An imported backbone with a new linear head, trained as one module (children "backbone" and
/// "head", so the state dict reads `backbone.<onnx name>`, `head.weight`). `forward` gives logits
/// for the loss; the export ends in Softmax when `probabilities` is set, as deployed classifiers do.
public final class ImportedClassifier: Module, ONNXExportable {
    public let backbone: ImportedBackbone
    public let head: Linear
    public let probabilities: Bool
    public var isTraining: Bool = false

    public init(backbone: ImportedBackbone, head: Linear, probabilities: Bool = true) {
        self.backbone = backbone
        self.head = head
        self.probabilities = probabilities
        isTraining = backbone.isTraining
    }

    public var children: [(String, any Module)] { [("backbone", backbone), ("head", head)] }

    public func forward(_ input: Variable) throws -> Variable { try head(backbone(input)) }

    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        let features = try exporter.emit(backbone, input, path: ONNXExporter.join(path, "backbone"))
        let logits = try exporter.emit(head, features, path: ONNXExporter.join(path, "head"))
        guard probabilities else { return logits }
        return exporter.node("Softmax", [logits.name], path: ONNXExporter.join(path, "softmax"), attributes: ["axis": .int(1)], shape: logits.shape)
    }
}
