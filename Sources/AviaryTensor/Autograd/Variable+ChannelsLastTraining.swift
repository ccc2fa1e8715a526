import Foundation

/// Training ops whose results stay channels-last ([N, H, W, C] inside, NCHW to every reader of
/// `value`), so that a conv → batch norm → activation chain runs without layout conversions, in
/// the layout oneDNN's AVX-512 convolutions prefer; gradients flow back channels-last too. A
/// reader of `value` (pooling, flatten) converts once, at the edge of the chain.
extension Variable {
    /// Whether training chains run channels-last (default) or NCHW, the way before (set
    /// `AVIARY_TRAINING_LAYOUT=nchw`): for A/B measurements and as a fallback.
    @TaskLocal public static var channelsLastTraining = TrainingLayoutSetting.channelsLast

    /// `conv2d`, with a channels-last result. Reads a channels-last input without converting it.
    public func conv2dChannelsLast(weight: Variable, bias: Variable? = nil, options: Conv2DOptions = Conv2DOptions()) throws -> Variable {
        let geometry = try Variable.convolutionGeometry(input: shape, weight: weight.shape, bias: bias?.shape, options: options)
        let kernels = Engine.kernels
        let inputChannelsLast = channelsLast != nil
        let input = channelsLast ?? value, weights = weight.value
        let out = try kernels.conv2dTrainingChannelsLast(input: input, inputChannelsLast: inputChannelsLast, weight: weights, bias: bias?.value, geometry: geometry)
        let parents = [self, weight] + (bias.map { [$0] } ?? [])
        let needInput = requiresGrad, needWeights = weight.requiresGrad || (bias?.requiresGrad ?? false), needBias = bias?.requiresGrad ?? false
        let parentChannelsLast = gradientIsChannelsLast
        return Variable(channelsLast: out, parents: parents) { gradOut in
            let grads = try kernels.conv2dTrainingChannelsLastBackward(
                gradOutput: gradOut, input: input, inputChannelsLast: inputChannelsLast, weight: weights, geometry: geometry,
                needInput: needInput, needWeights: needWeights, needBias: needBias)
            let gradIn = grads.input.map { Variable.gradient($0, readChannelsLast: inputChannelsLast, forChannelsLast: parentChannelsLast) }
            return [gradIn, grads.weight, grads.bias]
        }
    }

    /// Training batch norm (batch statistics; running ones moved by `momentum`), plus `residual`,
    /// then `activation`, in one pass over channels-last data: conv → BN (→ + shortcut) → ReLU of
    /// the zoo models. `activation` must be nil, ReLU or a clip (`Activation.fusesIntoBatchNorm`).
    public func batchNormActivation(
        gamma: Variable, beta: Variable, runningMean: inout Tensor, runningVar: inout Tensor,
        momentum: Float = 0.1, epsilon: Float = 1e-5, residual: Variable? = nil, activation: Activation?
    ) throws -> Variable {
        let op = "batchNormActivation"
        guard rank4 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(shape)", hint: "input must be [N, C, H, W]")
        }
        try Variable.checkFusable(activation, op: op)
        if let residual, residual.shape != shape {
            throw TensorError.shapeMismatch(op: op, detail: "residual \(residual.shape) for input \(shape)", hint: "the residual must be shaped like the input")
        }
        try Variable.checkBatchNormParameters(op: op, channels: shape[1], gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar, perChannel: shape[0] * shape[2] * shape[3], training: true)
        let kernels = Engine.kernels
        let input = channelsLast ?? value.nchwToChannelsLast(), g = gamma.value
        let (out, mean, variance) = try kernels.batchNormActivationChannelsLast(
            input: input, gamma: g, beta: beta.value, residual: residual.map { $0.channelsLast ?? $0.value.nchwToChannelsLast() },
            activation: activation, epsilon: epsilon)
        Variable.updateRunningStatistics(mean: mean, variance: variance, count: input.count / shape[1], momentum: momentum, runningMean: &runningMean, runningVar: &runningVar)
        let parents = [self, gamma, beta] + (residual.map { [$0] } ?? [])
        let inputParent = self, residualParent = residual, maskBeta = residual == nil ? beta.value : nil
        return Variable(channelsLast: out, parents: parents) { gradOut in
            let grads = try kernels.batchNormActivationChannelsLastBackward(
                gradOutput: gradOut, input: input, output: out, gamma: g, beta: maskBeta, mean: mean, variance: variance,
                activation: activation, epsilon: epsilon, needResidual: residualParent?.requiresGrad ?? false)
            return [Variable.gradient(grads.input, for: inputParent), grads.gamma, grads.beta]
                + (residualParent.map { r in [grads.residual.map { Variable.gradient($0, for: r) }] } ?? [])
        }
    }

    /// `conv2dChannelsLast` then `batchNormActivation` as one node: the backend may keep the
    /// convolution's result in its own layout in between (oneDNN's blocked one, for the dense
    /// convolutions that train blocked), which a graph of two nodes could not.
    /// `blockedOutput`: the result feeds a dense convolution that trains blocked (a ResNet block's
    /// second), so the backend may hold it in that layout (`Kernels.convBatchNormActivationChannelsLast`).
    public func convBatchNormActivation(
        weight: Variable, bias: Variable? = nil, options: Conv2DOptions = Conv2DOptions(),
        gamma: Variable, beta: Variable, runningMean: inout Tensor, runningVar: inout Tensor,
        momentum: Float = 0.1, epsilon: Float = 1e-5, residual: Variable? = nil, activation: Activation?, blockedOutput: Bool = false
    ) throws -> Variable {
        let op = "convBatchNormActivation"
        let geometry = try Variable.convolutionGeometry(input: shape, weight: weight.shape, bias: bias?.shape, options: options)
        try Variable.checkFusable(activation, op: op)
        let outShape = [shape[0], weight.shape[0], geometry.outputH, geometry.outputW], pixels = outShape[0] * outShape[2] * outShape[3]
        if let residual, residual.shape != outShape {
            throw TensorError.shapeMismatch(op: op, detail: "residual \(residual.shape) for output \(outShape)", hint: "the residual must be shaped like the output")
        }
        try Variable.checkBatchNormParameters(op: op, channels: outShape[1], gamma: gamma, beta: beta, runningMean: runningMean, runningVar: runningVar, perChannel: pixels, training: true)
        let kernels = Engine.kernels
        let (input, inputLayout) = laidOut
        let weights = weight.value, g = gamma.value
        let forward = try kernels.convBatchNormActivationChannelsLast(
            input: input, inputLayout: inputLayout, weight: weights, bias: bias?.value, geometry: geometry, gamma: g, beta: beta.value,
            residual: residual.map { $0.channelsLast ?? $0.value.nchwToChannelsLast() }, activation: activation, epsilon: epsilon,
            blockedOutput: blockedOutput)
        Variable.updateRunningStatistics(mean: forward.mean, variance: forward.variance, count: pixels, momentum: momentum, runningMean: &runningMean, runningVar: &runningVar)
        let parents = [self, weight] + (bias.map { [$0] } ?? []) + [gamma, beta] + (residual.map { [$0] } ?? [])
        let needInput = requiresGrad, needWeights = weight.requiresGrad || (bias?.requiresGrad ?? false), needBias = bias?.requiresGrad ?? false
        let parentChannelsLast = gradientIsChannelsLast, hasBias = bias != nil, residualParent = residual
        // The input gradient comes back NHWC for any input held in a kernel's layout, NCHW for a plain one.
        let inputChannelsLast = inputLayout != .nchw
        return Variable(training: forward.output, layout: forward.outputBlocked ? .blocked16 : .nhwc, shape: outShape, parents: parents) { gradOut in
            let grads = try kernels.convBatchNormActivationChannelsLastBackward(
                gradOutput: gradOut, forward: forward, input: input, inputLayout: inputLayout, weight: weights, geometry: geometry,
                gamma: g, activation: activation, epsilon: epsilon, needInput: needInput, needWeights: needWeights,
                needBias: needBias, needResidual: residualParent?.requiresGrad ?? false)
            let gradIn = grads.convolution.input.map { Variable.gradient($0, readChannelsLast: inputChannelsLast, forChannelsLast: parentChannelsLast) }
            return [gradIn, grads.convolution.weight] + (hasBias ? [grads.convolution.bias] : []) + [grads.gamma, grads.beta]
                + (residualParent.map { r in [grads.residual.map { Variable.gradient($0, for: r) }] } ?? [])
        }
    }

    private var rank4: Bool { shape.count == 4 }

    /// A convolution's input gradient comes in the layout the input was read in; its parent's rule
    /// may take the other one.
    private static func gradient(_ g: Tensor, readChannelsLast: Bool, forChannelsLast parentChannelsLast: Bool) -> Tensor {
        readChannelsLast == parentChannelsLast ? g : (readChannelsLast ? g.channelsLastToNCHW() : g.nchwToChannelsLast())
    }

    private static func checkFusable(_ activation: Activation?, op: String) throws {
        if let activation, !activation.fusesIntoBatchNorm {
            throw TensorError.invalidArgument(op: op, detail: "activation \(activation)", hint: "fuse only ReLU or a clip; apply other activations with `activation(_:)`")
        }
    }
}

/// The process-wide default of `Variable.channelsLastTraining`, read once from the environment.
public enum TrainingLayoutSetting {
    public static let channelsLast: Bool = ProcessInfo.processInfo.environment["AVIARY_TRAINING_LAYOUT"] != "nchw"
}
