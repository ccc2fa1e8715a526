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
        try Variable.checkBatchNormParameters(op: op, channels: c, gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar, perChannel: value.count / c, training: training)
        let input = value, g = gamma.value
        let kernels = Engine.kernels
        let mean: [Float], variance: [Float], out: Tensor
        if training {
            (out, mean, variance) = try kernels.batchNormTraining(input: input, gamma: g, beta: beta.value, epsilon: epsilon)
            Variable.updateRunningStatistics(mean: mean, variance: variance, count: input.count / c, momentum: momentum, runningMean: &runningMean, runningVar: &runningVar)
        } else {
            (mean, variance) = (runningMean.scalars, runningVar.scalars)
            out = try kernels.batchNormInference(input: input, gamma: g, beta: beta.value, mean: mean, variance: variance, epsilon: epsilon)
        }
        return Variable(out, parents: [self, gamma, beta]) { gradOut in
            let grads = try kernels.batchNormBackward(gradOutput: gradOut, input: input, gamma: g, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: training)
            return [grads.input, grads.gamma, grads.beta]
        }
    }

    static func checkBatchNormParameters(op: String, channels c: Int, gamma: Variable, beta: Variable, runningMean: Tensor, runningVar: Tensor, perChannel: Int, training: Bool) throws {
        for (name, shape) in [("gamma", gamma.shape), ("beta", beta.shape), ("running mean", runningMean.shape), ("running var", runningVar.shape)] where shape != [c] {
            throw TensorError.shapeMismatch(op: op, detail: "\(name) \(shape) for \(c) channels", hint: "\(name) must be [\(c)]")
        }
        if training && perChannel < 2 {
            throw TensorError.invalidArgument(op: op, detail: "one value per channel in training mode", hint: "use a batch of at least 2 or eval mode")
        }
    }

    /// PyTorch moves the running variance with the unbiased batch variance.
    static func updateRunningStatistics(mean: [Float], variance: [Float], count: Int, momentum: Float, runningMean: inout Tensor, runningVar: inout Tensor) {
        let m = Float(count), correction = m / max(m - 1, 1)
        for ch in 0..<mean.count {
            runningMean.scalars[ch] = (1 - momentum) * runningMean.scalars[ch] + momentum * mean[ch]
            runningVar.scalars[ch] = (1 - momentum) * runningVar.scalars[ch] + momentum * variance[ch] * correction
        }
    }
}
