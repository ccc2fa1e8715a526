import AviaryNN

/// The two operators whose result depends on the mode: BatchNormalization (batch statistics and
/// moving running ones in training) and Dropout (a random mask in training, identity otherwise).
extension ImportedModule {
    /// ONNX's momentum keeps that share of the running statistic (0.9 by default); the engine's,
    /// like PyTorch's, is the share of the batch statistic, so the engine gets 1 − momentum.
    func batchNorm(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> [ImportedValue] {
        let names = node.node.input
        guard names.count == 5, let mean = bufferByName[names[3]], let variance = bufferByName[names[4]] else {
            if isTraining { throw node.unsupported("mean, var", "computed in the graph (training needs them as weights)") }
            return try ONNXOperators.apply(node, inputs)
        }
        try checkBatchNormAttributes(node)
        func operand(_ index: Int) throws -> Variable {
            guard let given = inputs[index] else { throw node.unsupported("input \(index)", "is missing") }
            return try given.variable(node, input: names[index])
        }
        let y = try operand(0).batchNorm(gamma: operand(1), beta: operand(2), runningMean: &mean.value, runningVar: &variance.value,
                                       training: isTraining, momentum: 1 - (try node.float("momentum") ?? 0.9),
                                       epsilon: try node.float("epsilon") ?? 1e-5)
        // Graphs exported in training mode also output the moved statistics.
        guard node.node.output.dropFirst().contains(where: { !$0.isEmpty }) else { return [.variable(y)] }
        return [.variable(y)] + (try [mean, variance].map { .constant(try HostArray(shape: $0.value.shape, values: $0.value.scalars)) })
    }

    /// Refuses BatchNormalization attributes the engine does not implement (and per-activation `spatial = 0`).
    func checkBatchNormAttributes(_ node: NodeAttributes) throws {
        try node.rejectUnknown(except: ["epsilon", "momentum", "spatial", "training_mode"])
        if try node.int("spatial") == 0 { throw node.unsupported("spatial", "= 0") }
    }

    /// Inverted dropout with the module's generator; the mask output is true where kept. The
    /// module's mode decides, not the node's `training_mode` input (set in training-mode exports).
    func dropout(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> [ImportedValue] {
        try node.rejectUnknown(except: ["ratio", "seed"])
        guard let data = inputs.first ?? nil else { throw node.unsupported("input 0", "is missing") }
        guard isTraining else {
            return [data, .constant(try HostArray(shape: data.shape, values: [Bool](repeating: true, count: data.shape.reduce(1, *))))]
        }
        var ratio: Float = 0.5
        if node.opset < 12 {
            ratio = try node.float("ratio") ?? ratio
        } else if inputs.count > 1, let given = inputs[1] {
            ratio = try given.currentValue(node, input: "ratio").floats().first ?? ratio
        }
        guard ratio >= 0, ratio < 1 else { throw node.unsupported("ratio", "= \(ratio) (must be in [0, 1))") }
        let x = try data.variable(node, input: node.node.input[0])
        let scale = 1 / (1 - ratio)
        let mask = (0..<x.value.count).map { _ in dropoutGenerator.nextFloat() < ratio ? 0 : scale }
        let y = try x * Variable(Tensor(shape: x.shape, scalars: mask))
        return [.variable(y), .constant(try HostArray(shape: x.shape, values: mask.map { $0 != 0 }))]
    }
}
