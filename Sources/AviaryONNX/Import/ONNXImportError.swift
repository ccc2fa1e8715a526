/// Why a model cannot become an engine graph. Every case names the node (its name, or its index
/// and operator when unnamed) and, for operators and attributes, the opset, so the user knows
/// whether re-exporting at another opset or dropping an option would help. Never a silent wrong answer.
public enum ONNXImportError: Error, Equatable, Sendable, CustomStringConvertible {
    case unsupportedOperator(node: String, op: String, domain: String, opset: Int64)
    case unsupportedAttribute(node: String, op: String, opset: Int64, attribute: String, detail: String)
    case missingAttribute(node: String, op: String, opset: Int64, attribute: String)
    case attributeType(node: String, op: String, attribute: String, expected: String, found: String)
    case undefinedInput(node: String, op: String, input: String)
    case duplicateOutput(node: String, op: String, output: String)
    case undefinedGraphOutput(output: String)
    case invalidConstant(node: String, reason: String)
    case missingOpset(domain: String)
    case unsupportedOpset(version: Int64)

    public var description: String {
        switch self {
        case let .unsupportedOperator(node, op, domain, opset):
            "node \(node): operator \(domain.isEmpty || domain == "ai.onnx" ? "" : domain + ".")\(op) at opset \(opset) is not supported"
        case let .unsupportedAttribute(node, op, opset, attribute, detail):
            "node \(node) (\(op), opset \(opset)): attribute \(attribute) \(detail) is not supported"
        case let .missingAttribute(node, op, opset, attribute):
            "node \(node) (\(op), opset \(opset)): required attribute \(attribute) is missing"
        case let .attributeType(node, op, attribute, expected, found):
            "node \(node) (\(op)): attribute \(attribute) should be \(expected) but is \(found)"
        case let .undefinedInput(node, op, input):
            "node \(node) (\(op)) reads '\(input)', which no graph input, initializer or earlier node produces"
        case let .duplicateOutput(node, op, output):
            "node \(node) (\(op)) writes '\(output)', which is already defined; ONNX graphs assign each name once"
        case let .undefinedGraphOutput(output):
            "graph output '\(output)' is produced by no node, input or initializer"
        case let .invalidConstant(node, reason):
            "node \(node) (Constant): \(reason)"
        case let .unsupportedOpset(version):
            "the model uses opset \(version) of ai.onnx; Aviary imports opsets 7 to 25 (convert it with onnx.version_converter)"
        case let .missingOpset(domain):
            "the model imports no opset for domain '\(domain.isEmpty ? "ai.onnx" : domain)'"
        }
    }
}

extension Onnx_NodeProto {
    /// How errors name a node: `'conv1'`, or `#12 (Conv)` when the exporter left names empty.
    public func label(index: Int) -> String { name.isEmpty ? "#\(index) (\(opType))" : "'\(name)'" }
}

extension Onnx_ModelProto {
    /// The opset version imported for a domain ("" and "ai.onnx" are the same default domain).
    public func opsetVersion(domain: String = "") throws(ONNXImportError) -> Int64 {
        let wanted = domain == "ai.onnx" ? "" : domain
        guard let opset = opsetImport.first(where: { ($0.domain == "ai.onnx" ? "" : $0.domain) == wanted }) else {
            throw .missingOpset(domain: domain)
        }
        return opset.version
    }
}
