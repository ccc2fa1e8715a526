/// A training convolution and the batch norm (+ residual, + clamp activation) that follows it, as
/// one op: `Kernels.convBatchNormActivationChannelsLast`.
public struct ConvBatchNormForward: Sendable {
    /// act(bn(conv(x)) + residual), [N, OH, OW, O].
    public var output: Tensor
    /// The batch statistics (biased variance).
    public var mean: [Float], variance: [Float]
    /// The convolution's result, which the backward pass needs, in whatever layout the backend
    /// keeps it (`blockedPixels` set: oneDNN's nChw16c with that many pixels per image; else NHWC).
    public var convolution: Tensor
    public var blockedPixels: Int?
    /// β when no residual was added: the backward pass may recompute the activation's mask from
    /// the convolution's result instead of reading `output`.
    public var maskBeta: Tensor?
    /// The convolution's weights as oneDNN's forward kernel read them, for its backward-data pass.
    var keptWeight: [Float]? = nil
    /// Its input as the forward kernel read it, for its backward-weights pass (small inputs only).
    var keptInput: [Float]? = nil
    /// `output` is nChw16c ([N, C/16, OH, OW, 16]) rather than NHWC (asked for with `blockedOutput`).
    public var outputBlocked = false
}

/// Both ops' gradients: the convolution's, and the batch norm's γ, β and residual (when asked
/// for). The batch norm's own input gradient went into the convolution's and is not kept: a tiled
/// backward pass never holds it whole (`PointwiseBatchNormBackward`).
public struct ConvBatchNormGradients: Sendable {
    public var convolution: ConvolutionGradients
    public var gamma: Tensor, beta: Tensor
    public var residual: Tensor?

    public init(convolution: ConvolutionGradients, gamma: Tensor, beta: Tensor, residual: Tensor?) {
        self.convolution = convolution
        (self.gamma, self.beta, self.residual) = (gamma, beta, residual)
    }

    init(convolution: ConvolutionGradients, norm: BatchNormGradients) {
        self.init(convolution: convolution, gamma: norm.gamma, beta: norm.beta, residual: norm.residual)
    }
}

/// The fused op by its two parts, each on the backend's own channels-last kernels: what every
/// backend does unless it can do better (oneDNN keeps the convolution's blocked result), and the
/// definition the fused form is tested against.
func convBatchNormByParts(
    _ kernels: some Kernels, input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
    gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float
) throws -> ConvBatchNormForward {
    let conv = try kernels.conv2dTrainingChannelsLast(input: input, inputChannelsLast: inputChannelsLast, weight: weight, bias: bias, geometry: geometry)
    let (out, mean, variance) = try kernels.batchNormActivationChannelsLast(input: conv, gamma: gamma, beta: beta, residual: residual, activation: activation, epsilon: epsilon)
    return ConvBatchNormForward(output: out, mean: mean, variance: variance, convolution: conv, blockedPixels: nil, maskBeta: residual == nil ? beta : nil)
}

func convBatchNormBackwardByParts(
    _ kernels: some Kernels, gradOutput: Tensor, forward: ConvBatchNormForward, input: Tensor, inputChannelsLast: Bool, weight: Tensor,
    geometry: Conv2DGeometry, gamma: Tensor, activation: Activation?, epsilon: Float, needInput: Bool, needWeights: Bool, needBias: Bool, needResidual: Bool
) throws -> ConvBatchNormGradients {
    let norm = try kernels.batchNormActivationChannelsLastBackward(
        gradOutput: gradOutput, input: forward.convolution, output: forward.output, gamma: gamma, beta: forward.maskBeta, mean: forward.mean, variance: forward.variance,
        activation: activation, epsilon: epsilon, needResidual: needResidual)
    let conv = try kernels.conv2dTrainingChannelsLastBackward(
        gradOutput: norm.input, input: input, inputChannelsLast: inputChannelsLast, weight: weight, geometry: geometry, needInput: needInput, needWeights: needWeights, needBias: needBias)
    return ConvBatchNormGradients(convolution: conv, norm: norm)
}

extension Kernels {
    public func convBatchNormActivationChannelsLast(
        input: Tensor, inputLayout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
        gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float, blockedOutput: Bool
    ) throws -> ConvBatchNormForward {
        let (x, channelsLast) = channelsLastOrPlain(input, inputLayout, channels: weight.shape[1] * geometry.groups)
        return try convBatchNormByParts(self, input: x, inputChannelsLast: channelsLast, weight: weight, bias: bias, geometry: geometry,
                                        gamma: gamma, beta: beta, residual: residual, activation: activation, epsilon: epsilon)
    }

    public func convBatchNormActivationChannelsLastBackward(
        gradOutput: Tensor, forward: ConvBatchNormForward, input: Tensor, inputLayout: ActivationLayout, weight: Tensor, geometry: Conv2DGeometry,
        gamma: Tensor, activation: Activation?, epsilon: Float, needInput: Bool, needWeights: Bool, needBias: Bool, needResidual: Bool
    ) throws -> ConvBatchNormGradients {
        let (x, channelsLast) = channelsLastOrPlain(input, inputLayout, channels: weight.shape[1] * geometry.groups)
        return try convBatchNormBackwardByParts(self, gradOutput: gradOutput, forward: forward, input: x, inputChannelsLast: channelsLast, weight: weight,
                                                geometry: geometry, gamma: gamma, activation: activation, epsilon: epsilon,
                                                needInput: needInput, needWeights: needWeights, needBias: needBias, needResidual: needResidual)
    }
}

/// An input as the by-parts ops take it: NCHW as it is, anything else as NHWC.
func channelsLastOrPlain(_ input: Tensor, _ layout: ActivationLayout, channels: Int) -> (input: Tensor, channelsLast: Bool) {
    switch layout {
    case .nchw: (input, false)
    case .nhwc: (input, true)
    case .blocked16: (input.relaid(layout.logicalShape(input.shape, channels: channels), from: .blocked16, to: .nhwc), true)
    }
}
