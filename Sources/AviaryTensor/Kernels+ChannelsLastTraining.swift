/// What a convolution's backward pass returns; nil where it was not asked for.
public struct ConvolutionGradients: Sendable {
    public var input: Tensor?
    public var weight: Tensor?
    public var bias: Tensor?
}

/// What a batch norm's backward pass returns; `residual` only for the fused form with a residual.
public struct BatchNormGradients: Sendable {
    public var input: Tensor
    public var gamma: Tensor
    public var beta: Tensor
    public var residual: Tensor?
}

extension Activation {
    /// Whether the activation is a clamp (ReLU, ReLU6, any clip), so that its gradient mask can be
    /// read off its output (lo < y < hi exactly where lo < x < hi) and it fuses into batch norm.
    public var fusesIntoBatchNorm: Bool { clampBounds != nil }

    /// The clamp's bounds; ReLU's upper one is +∞.
    var clampBounds: (lo: Float, hi: Float)? {
        switch self {
        case .relu: return (0, .infinity)
        case let .clip(lo, hi): return (lo, hi)
        default: return nil
        }
    }
}

/// The channels-last training ops by their parts in NCHW, on the backend's own NCHW kernels: the
/// definition the fused kernels are tested against and every other backend's implementation.
extension Kernels {
    public func conv2dTrainingChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor {
        let x = inputChannelsLast ? input.channelsLastToNCHW() : input
        return try conv2dForward(input: x, weight: weight, bias: bias, geometry: geometry).nchwToChannelsLast()
    }

    public func conv2dTrainingChannelsLastBackward(gradOutput: Tensor, input: Tensor, inputChannelsLast: Bool, weight: Tensor, geometry: Conv2DGeometry, needInput: Bool, needWeights: Bool, needBias: Bool) throws -> ConvolutionGradients {
        let x = inputChannelsLast ? input.channelsLastToNCHW() : input, g = gradOutput.channelsLastToNCHW()
        var result = ConvolutionGradients()
        if needInput {
            let gx = try conv2dBackwardData(gradOutput: g, weight: weight, inputShape: x.shape, geometry: geometry)
            result.input = inputChannelsLast ? gx.nchwToChannelsLast() : gx
        }
        if needWeights {
            let (w, b) = try conv2dBackwardWeights(input: x, gradOutput: g, weightShape: weight.shape, geometry: geometry)
            (result.weight, result.bias) = (w, needBias ? b : nil)
        }
        return result
    }

    public func batchNormActivationChannelsLast(input: Tensor, gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float]) {
        var (y, mean, variance) = try batchNormTraining(input: input.channelsLastToNCHW(), gamma: gamma, beta: beta, epsilon: epsilon)
        if let residual { y = y.adding(residual.channelsLastToNCHW()) }
        if let activation { y = activation.forward(y) }
        return (y.nchwToChannelsLast(), mean, variance)
    }

    public func batchNormActivationChannelsLastBackward(gradOutput: Tensor, input: Tensor, output: Tensor, gamma: Tensor, beta: Tensor?, mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool) throws -> BatchNormGradients {
        var g = gradOutput.channelsLastToNCHW()
        // For a clamp, the derivative at the output is the derivative at the input (see `clampBounds`).
        if let activation { g = activation.backward(gradOutput: g, input: output.channelsLastToNCHW()) }
        let grads = try batchNormBackward(gradOutput: g, input: input.channelsLastToNCHW(), gamma: gamma, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: true)
        return BatchNormGradients(input: grads.input.nchwToChannelsLast(), gamma: grads.gamma, beta: grads.beta, residual: needResidual ? g.nchwToChannelsLast() : nil)
    }

    public func maxPoolChannelsLast(input: Tensor, geometry: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices) {
        let (out, indices) = try maxPoolForward(input: input.channelsLastToNCHW(), geometry: geometry)
        return (out.nchwToChannelsLast(), indices)
    }

    public func maxPoolChannelsLastBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        let s = inputShape
        return try maxPoolBackward(gradOutput: gradOutput.channelsLastToNCHW(), indices: indices, inputShape: [s[0], s[3], s[1], s[2]], geometry: geometry).nchwToChannelsLast()
    }
}
