extension ImportedModule {
    /// `model` with only the nodes that `outputs` need, and those as its outputs, so that nodes past
    /// a cut are never checked: a backbone whose old head or post-processing uses an operator the
    /// importer lacks still imports when cut at its features (`--features VALUE`). A name no node,
    /// input or initializer produces leaves the model whole, for the import to name it.
    static func pruned(_ model: Onnx_ModelProto, to outputs: [String]) -> Onnx_ModelProto {
        let graph = model.graph
        let produced = Set(graph.node.flatMap(\.output)).union(graph.input.map(\.name)).union(graph.initializer.map(\.name))
        guard !outputs.isEmpty, outputs.allSatisfy(produced.contains) else { return model }
        var needed = Set(outputs), kept: [Int] = []
        for index in graph.node.indices.reversed() where graph.node[index].output.contains(where: needed.contains) {
            kept.append(index)
            needed.formUnion(graph.node[index].input.filter { !$0.isEmpty })
        }
        var result = model
        result.graph.node = kept.reversed().map { graph.node[$0] }
        result.graph.output = outputs.map { name in
            graph.output.first { $0.name == name } ?? { var info = Onnx_ValueInfoProto(); info.name = name; return info }()
        }
        return result
    }
}
