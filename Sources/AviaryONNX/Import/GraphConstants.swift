/// The weights of a graph: its initializers and the outputs of its Constant nodes, which some
/// exporters (PaddlePaddle, older PyTorch) use instead of initializers. Both become host arrays
/// keyed by the value name the nodes read.
public enum GraphConstants {
    public static func collect(_ graph: Onnx_GraphProto) throws(ONNXImportError) -> [String: HostArray] {
        var constants: [String: HostArray] = [:]
        for tensor in graph.initializer {
            do {
                constants[tensor.name] = try HostArray(tensor)
            } catch {
                throw .invalidConstant(node: "initializer '\(tensor.name)'", reason: "\(error)")
            }
        }
        for (index, node) in graph.node.enumerated() where node.opType == "Constant" && (node.domain.isEmpty || node.domain == "ai.onnx") {
            guard let output = node.output.first else { continue }
            constants[output] = try value(of: node, index: index)
        }
        return constants
    }

    /// A Constant node holds exactly one of value, value_float(s), value_int(s) (opset 12+ adds the
    /// scalar and list forms; strings and sparse tensors are refused).
    static func value(of node: Onnx_NodeProto, index: Int) throws(ONNXImportError) -> HostArray {
        let label = node.label(index: index)
        guard node.attribute.count == 1, let attribute = node.attribute.first else {
            throw .invalidConstant(node: label, reason: "a Constant node needs exactly one value attribute, it has \(node.attribute.count)")
        }
        do {
            switch attribute.name {
            case "value": return try HostArray(attribute.t)
            case "value_float": return try HostArray(shape: [], values: [attribute.f])
            case "value_floats": return try HostArray(shape: [attribute.floats.count], values: attribute.floats)
            case "value_int": return try HostArray(shape: [], values: [attribute.i])
            case "value_ints": return try HostArray(shape: [attribute.ints.count], values: attribute.ints)
            default:
                throw ONNXImportError.invalidConstant(node: label, reason: "attribute \(attribute.name) is not supported (only numeric constants)")
            }
        } catch let error as ONNXImportError {
            throw error
        } catch {
            throw .invalidConstant(node: label, reason: "\(error)")
        }
    }
}
