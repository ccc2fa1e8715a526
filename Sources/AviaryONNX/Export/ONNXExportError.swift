/// Why a module could not become ONNX, naming where in the module tree it happened.
public enum ONNXExportError: Error, Equatable, Sendable, CustomStringConvertible {
    /// A module type the exporter has no ONNX form for.
    case unsupportedModule(path: String, type: String)
    /// A setting of a supported module that ONNX (at the exported opset) cannot express.
    case unsupportedSetting(path: String, type: String, detail: String)
    /// The input shape does not fit the module (wrong rank, window larger than the input).
    case shapeMismatch(path: String, type: String, detail: String)

    public var description: String {
        switch self {
        case let .unsupportedModule(path, type):
            return "cannot export '\(path.isEmpty ? "(root)" : path)' of type \(type) to ONNX: the exporter knows Sequential, Conv2d, BatchNorm2d, Linear, activations, pools, Flatten, Dropout, ConvNormActivation and the zoo's SmallCNN, ResNet, MobileNetV2 and EfficientNetLite0, and imported ONNX graphs (ImportedModule, ImportedBackbone, ImportedClassifier). Give the model an ONNXExportable conformance or build it from those layers."
        case let .unsupportedSetting(path, type, detail):
            return "cannot export '\(path.isEmpty ? "(root)" : path)' (\(type)) to ONNX: \(detail)"
        case let .shapeMismatch(path, type, detail):
            return "'\(path.isEmpty ? "(root)" : path)' (\(type)) does not fit the export input shape: \(detail). Pass the shape the model is trained on, [N, C, H, W]."
        }
    }
}
