/// What went wrong reading or writing an ONNX file or tensor, with the file and the part at fault,
/// so that a message alone tells the user what to fix.
public enum ONNXError: Error, Equatable, Sendable, CustomStringConvertible {
    case fileNotFound(path: String)
    case unreadable(path: String, reason: String)
    case notAModel(path: String, reason: String)
    case unwritable(path: String, reason: String)
    /// The model has no graph, or a graph field that must be set is empty.
    case invalidModel(path: String, reason: String)
    case unsupportedDataType(tensor: String, dataType: Int32)
    case externalData(tensor: String, location: String)
    case tensorSize(tensor: String, reason: String)

    public var description: String {
        switch self {
        case let .fileNotFound(path):
            "\(path): no such file"
        case let .unreadable(path, reason):
            "\(path): cannot read: \(reason)"
        case let .notAModel(path, reason):
            "\(path): not an ONNX model (protobuf ModelProto): \(reason)"
        case let .unwritable(path, reason):
            "\(path): cannot write: \(reason)"
        case let .invalidModel(path, reason):
            "\(path): invalid ONNX model: \(reason)"
        case let .unsupportedDataType(tensor, dataType):
            "tensor '\(tensor)': element type \(ElementType.onnxName(of: dataType)) is not supported; supported: "
                + ElementType.allCases.map { ElementType.onnxName(of: $0.onnxDataType) }.joined(separator: ", ")
        case let .externalData(tensor, location):
            "tensor '\(tensor)': its data lives in an external file ('\(location)'), which Aviary does not read; "
                + "save the model with the weights inside (onnx.save_model(model, path, save_as_external_data=False))"
        case let .tensorSize(tensor, reason):
            "tensor '\(tensor)': \(reason)"
        }
    }
}
