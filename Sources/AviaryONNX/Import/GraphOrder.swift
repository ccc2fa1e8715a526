/// Checks that a graph is in the order ONNX requires (every value defined before it is read, each
/// name assigned once) before anything is built from it, so that a broken file fails at the node
/// at fault rather than deep inside the engine.
public enum GraphOrder {
    public static func validate(_ graph: Onnx_GraphProto) throws(ONNXImportError) {
        var defined = Set(graph.input.map(\.name)).union(graph.initializer.map(\.name))
        for (index, node) in graph.node.enumerated() {
            // An empty name marks an omitted optional input.
            for input in node.input where !input.isEmpty && !defined.contains(input) {
                throw .undefinedInput(node: node.label(index: index), op: node.opType, input: input)
            }
            for output in node.output where !output.isEmpty {
                guard defined.insert(output).inserted else {
                    throw .duplicateOutput(node: node.label(index: index), op: node.opType, output: output)
                }
            }
        }
        if let missing = graph.output.first(where: { !defined.contains($0.name) }) {
            throw .undefinedGraphOutput(output: missing.name)
        }
    }
}
