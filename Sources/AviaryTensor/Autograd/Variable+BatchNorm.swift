extension Variable {
    /// Batch normalisation over axis 1 of [N, C, …], as `torch.nn.functional.batch_norm`. In
    /// training it normalises with batch statistics and moves the running ones by `momentum`;
    /// otherwise it uses the running ones.
    public func batchNorm(
        gamma: Variable, beta: Variable, runningMean: inout Tensor, runningVar: inout Tensor,
        training: Bool, momentum: Float = 0.1, epsilon: Float = 1e-5
    ) throws -> Variable {
        let op = "batchNorm"
        guard value.rank >= 2 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(value.shape)", hint: "input must be [N, C] or [N, C, H, W]")
        }
        let c = value.shape[1]
        for (name, shape) in [("gamma", gamma.shape), ("beta", beta.shape), ("running mean", runningMean.shape), ("running var", runningVar.shape)] where shape != [c] {
            throw TensorError.shapeMismatch(op: op, detail: "\(name) \(shape) for \(c) channels", hint: "\(name) must be [\(c)]")
        }
        if training && value.count / c < 2 {
            throw TensorError.invalidArgument(op: op, detail: "one value per channel in training mode", hint: "use a batch of at least 2 or eval mode")
        }
        let input = value, g = gamma.value
        let (out, saved) = training
            ? BatchNormReference.forwardTraining(input: input, gamma: g, beta: beta.value, runningMean: &runningMean, runningVar: &runningVar, momentum: momentum, epsilon: epsilon)
            : BatchNormReference.forwardInference(input: input, gamma: g, beta: beta.value, runningMean: runningMean, runningVar: runningVar, epsilon: epsilon)
        return Variable(out, parents: [self, gamma, beta]) { gradOut in
            let grads = BatchNormReference.backward(gradOutput: gradOut, input: input, gamma: g, saved: saved, trainingStatistics: training)
            return [grads.input, grads.gamma, grads.beta]
        }
    }
}
