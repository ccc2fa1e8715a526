/// Why an ONNX graph could not become (or run as) a trainable module, with what to do instead.
public enum ImportedModuleError: Error, Equatable, Sendable, CustomStringConvertible {
    /// The bytes are not an ONNX model.
    case notAModel(reason: String)
    /// An output or feature name that no node of the graph produces.
    case unknownValue(name: String, candidates: [String])
    /// The part of the graph that computes the outputs reads no graph input.
    case noGraphInput(outputs: [String])
    /// `forward` takes one tensor; this graph (or its cut) needs several.
    case inputCount(names: [String])
    /// `run` was not given a tensor for this graph input.
    case missingInput(name: String, expected: [String])
    /// The output is a constant of the graph, not computed from the input.
    case constantOutput(name: String)
    /// A classifier head that does not fit the backbone or the class list.
    case headMismatch(detail: String)

    public var description: String {
        switch self {
        case let .notAModel(reason):
            return "not an ONNX model: \(reason). Pass the bytes of a .onnx file (a serialized ModelProto)."
        case let .unknownValue(name, candidates):
            let hint = candidates.isEmpty ? "" : " Values that make good feature outputs (pooled or flattened): \(candidates.suffix(5).joined(separator: ", "))."
            return "the graph has no value named '\(name)'.\(hint) `aviary onnx inspect` lists the nodes."
        case let .noGraphInput(outputs):
            return "\(outputs.joined(separator: ", ")) depend on no graph input (a weight or constant); choose a value computed from the image."
        case let .inputCount(names):
            return "this graph reads \(names.count) inputs (\(names.joined(separator: ", "))); use run(_:) with one tensor per name instead of forward(_:)."
        case let .missingInput(name, expected):
            return "no tensor for graph input '\(name)'; the graph reads \(expected.joined(separator: ", "))."
        case let .constantOutput(name):
            return "'\(name)' is a constant of the graph, not computed from its input; choose another output."
        case let .headMismatch(detail):
            return "the head does not fit: \(detail)"
        }
    }
}
