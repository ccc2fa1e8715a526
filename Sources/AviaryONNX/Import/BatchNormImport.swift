import AviaryTensor

/// BatchNormalization with constant running statistics (inference), or in training mode
/// (opset 14 on): normalised with the batch's own mean and biased variance, and the running
/// statistics moved as ONNX defines, running · momentum + batch · (1 − momentum).
enum BatchNormImport {
    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?], _ x: Variable) throws -> [ImportedValue] {
        try node.rejectUnknown(except: ["epsilon", "momentum", "spatial", "training_mode"])
        if try node.int("spatial") == 0 { throw node.unsupported("spatial", "= 0") }
        let training = try node.int("training_mode") == 1
        guard training || node.node.output.dropFirst().allSatisfy(\.isEmpty) else { throw node.unsupported("outputs", "beyond Y (inference only)") }
        guard node.node.output.count <= 3 else { throw node.unsupported("outputs", "saved_mean and saved_var (removed in opset 14)") }
        guard inputs.count == 5, let scale = inputs[1], let bias = inputs[2], let mean = inputs[3], let variance = inputs[4] else {
            throw node.unsupported("inputs", "(X, scale, B, mean, var are all required)")
        }
        var runningMean = try Tensor(shape: mean.shape, scalars: mean.currentValue(node, input: "mean").floats())
        var runningVar = try Tensor(shape: variance.shape, scalars: variance.currentValue(node, input: "var").floats())
        let y = try x.batchNorm(gamma: scale.variable(node, input: "scale"), beta: bias.variable(node, input: "B"),
                                runningMean: &runningMean, runningVar: &runningVar, training: training,
                                epsilon: try node.float("epsilon") ?? 1e-5)
        guard training else { return [.variable(y)] }
        let momentum = try node.float("momentum") ?? 0.9
        let (batchMean, batchVariance) = BatchNormReference.statistics(x.value)
        let previousMean = try mean.currentValue(node, input: "mean").floats(), previousVar = try variance.currentValue(node, input: "var").floats()
        let movedMean = zip(previousMean, batchMean).map { $0 * momentum + $1 * (1 - momentum) }
        let movedVar = zip(previousVar, batchVariance).map { $0 * momentum + $1 * (1 - momentum) }
        return [.variable(y), .constant(try HostArray(shape: mean.shape, values: movedMean)), .constant(try HostArray(shape: variance.shape, values: movedVar))]
    }
}
