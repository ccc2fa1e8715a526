import AviaryTensor

/// An ONNX model as something the engine runs: nodes evaluated in file order on engine Variables,
/// so the result can also be differentiated. Every node is checked at import — operator, opset and
/// attributes — so an unsupported feature fails before anything runs, naming the node.
public final class ONNXGraph {
    public let opset: Int64
    public let inputNames: [String]
    public let outputNames: [String]
    let nodes: [Onnx_NodeProto]
    let constants: [String: HostArray]

    public init(_ model: Onnx_ModelProto) throws(ONNXImportError) {
        opset = try model.opsetVersion()
        guard ONNXOperators.opsets.contains(opset) else {
            throw .unsupportedOpset(version: opset)
        }
        try GraphOrder.validate(model.graph)
        let constants = try GraphConstants.collect(model.graph)
        self.constants = constants
        inputNames = model.graph.input.map(\.name).filter { constants[$0] == nil }
        outputNames = model.graph.output.map(\.name)
        nodes = model.graph.node
        for (index, node) in nodes.enumerated() where !(node.domain.isEmpty || node.domain == "ai.onnx") || !ONNXOperators.supported.contains(node.opType) {
            throw .unsupportedOperator(node: node.label(index: index), op: node.opType, domain: node.domain, opset: opset)
        }
    }

    /// Runs the graph on host arrays (float32 inputs become Variables; integer inputs such as a
    /// Reshape target stay constants) and returns every graph output. The inputs named in
    /// `differentiable` are leaves that `backward()` fills with gradients, returned with them.
    public func run(_ inputs: [String: HostArray], differentiable: Set<String> = []) throws -> [String: ImportedValue] {
        var values: [String: ImportedValue] = constants.mapValues { .constant($0) }
        for name in inputNames {
            guard let array = inputs[name] else { throw ONNXImportError.undefinedInput(node: "(graph)", op: "input", input: name) }
            values[name] = array.elementType == .float32
                ? .variable(Variable(try Tensor(shape: array.shape, scalars: array.floats()), requiresGrad: differentiable.contains(name)))
                : .constant(array)
        }
        for (index, node) in nodes.enumerated() where node.opType != "Constant" {
            let context = NodeAttributes(node, index: index, opset: opset)
            let arguments: [ImportedValue?] = node.input.map { $0.isEmpty ? nil : values[$0] }
            let results = try ONNXOperators.apply(context, arguments)
            for (name, result) in zip(node.output, results) where !name.isEmpty { values[name] = result }
        }
        return values.filter { outputNames.contains($0.key) || differentiable.contains($0.key) }
    }
}
