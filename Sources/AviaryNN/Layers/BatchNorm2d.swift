/// `torch.nn.BatchNorm2d` (also fine for [N, C]): `weight`, `bias`, and buffers `running_mean`,
/// `running_var`, `num_batches_tracked`.
public final class BatchNorm2d: Module {
    public let weight: Variable
    public let bias: Variable
    public let runningMean: Buffer
    public let runningVar: Buffer
    public let batchesTracked = Buffer(Tensor(scalar: 0))
    public let momentum: Float
    public let epsilon: Float
    public var isTraining = true
    /// The last fold into a convolution (eval-mode inference), with the arrays it came from.
    var foldCache: (sources: [[Float]], weight: Tensor, bias: Tensor)?

    public init(_ channels: Int, momentum: Float = 0.1, epsilon: Float = 1e-5) {
        weight = Variable(Tensor(shape: [channels], repeating: 1), requiresGrad: true)
        bias = Variable(Tensor(zeros: [channels]), requiresGrad: true)
        runningMean = Buffer(Tensor(zeros: [channels]))
        runningVar = Buffer(Tensor(shape: [channels], repeating: 1))
        self.momentum = momentum
        self.epsilon = epsilon
    }

    /// Lets oneDNN free the kernel-layout copies of the folded weights, which it holds for as
    /// long as anyone holds the folded arrays: after this, nobody does.
    deinit {
        guard foldCache != nil else { return }
        foldCache = nil
        (Engine.kernels as? DNNLKernels)?.releaseUnusedCaches()
    }

    public var localParameters: [(String, Variable)] { [("weight", weight), ("bias", bias)] }
    public var localBuffers: [(String, Buffer)] { [("running_mean", runningMean), ("running_var", runningVar), ("num_batches_tracked", batchesTracked)] }

    /// Training changes the weights in place, so the fold would never be used again: it goes, so
    /// that the arrays it holds are not copied on the optimizer's first write, and so do oneDNN's
    /// kernel-layout copies of the folded weights, rather than staying resident through training
    /// until the next eval pass replaces them.
    func dropFold() {
        guard foldCache != nil else { return }
        foldCache = nil
        (Engine.kernels as? DNNLKernels)?.releaseUnreferencedWeights()
    }

    public func forward(_ input: Variable) throws -> Variable {
        if isTraining { batchesTracked.value.scalars[0] += 1; dropFold() }
        return try input.batchNorm(
            gamma: weight, beta: bias, runningMean: &runningMean.value, runningVar: &runningVar.value,
            training: isTraining, momentum: momentum, epsilon: epsilon)
    }

    /// Training mode: batch norm, plus `residual`, then `activation` (nil, ReLU or a clip), fused
    /// on channels-last data (`Variable.batchNormActivation`).
    /// `conv` and then this batch norm, fused the same way, as one node
    /// (`Variable.convBatchNormActivation`): the convolution's result can stay in the kernel's layout.
    /// `blockedOutput`: the result feeds a dense convolution only (see `Variable.convBatchNormActivation`).
    func forwardFused(after conv: Conv2d, _ input: Variable, residual: Variable?, activation: Activation?, blockedOutput: Bool = false) throws -> Variable {
        batchesTracked.value.scalars[0] += 1
        return try input.convBatchNormActivation(
            weight: conv.weight, bias: conv.bias, options: conv.options, gamma: weight, beta: bias,
            runningMean: &runningMean.value, runningVar: &runningVar.value, momentum: momentum, epsilon: epsilon,
            residual: residual, activation: activation, blockedOutput: blockedOutput)
    }

    func forwardFused(_ input: Variable, residual: Variable?, activation: Activation?) throws -> Variable {
        batchesTracked.value.scalars[0] += 1
        return try input.batchNormActivation(
            gamma: weight, beta: bias, runningMean: &runningMean.value, runningVar: &runningVar.value,
            momentum: momentum, epsilon: epsilon, residual: residual, activation: activation)
    }
}
