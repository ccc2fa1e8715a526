/// Batch norm with running statistics folded into the convolution before it.
public enum BatchNormFolding {
    /// The convolution weight and bias that compute conv → batch norm in one convolution:
    /// w·s and (b − mean)·s + β with s = γ/√(var + ε), per output channel.
    public static func fold(weight: Tensor, bias: Tensor?, gamma: Tensor, beta: Tensor, mean: Tensor, variance: Tensor, epsilon: Float) -> (weight: Tensor, bias: Tensor) {
        var weight = weight
        var bias = bias ?? Tensor(zeros: [weight.shape[0]])
        let perChannel = weight.count / weight.shape[0]
        for c in 0..<weight.shape[0] {
            let scale = gamma.scalars[c] / (variance.scalars[c] + epsilon).squareRoot()
            for i in 0..<perChannel { weight.scalars[c * perChannel + i] *= scale }
            bias.scalars[c] = (bias.scalars[c] - mean.scalars[c]) * scale + beta.scalars[c]
        }
        return (weight, bias)
    }
}

extension BatchNorm2d {
    /// The convolution weight and bias that compute conv → this batch norm (with running
    /// statistics) in one convolution (`BatchNormFolding.fold`).
    public func folded(into conv: Conv2d) -> (weight: Tensor, bias: Tensor) {
        BatchNormFolding.fold(weight: conv.weight.value, bias: conv.bias?.value, gamma: weight.value, beta: bias.value,
                              mean: runningMean.value, variance: runningVar.value, epsilon: epsilon)
    }
}

extension BatchNorm2d {
    /// `folded(into:)`, remembered while the arrays it came from are the same storage: the cache
    /// holds them, so any in-place change (an optimizer step, a loaded state dict) copies on
    /// write and misses. Folding every weight on every call cost a tenth of a batch-1 pass.
    /// Checks the six sources one by one rather than gathering them into an array first: that
    /// array was an allocation and six retains per layer per call.
    func foldedCached(into conv: Conv2d) -> (weight: Tensor, bias: Tensor) {
        if let cache = foldCache, cache.sources[0].sharesStorage(with: conv.weight.value.scalars),
           cache.sources[1].sharesStorage(with: conv.bias?.value.scalars ?? []), cache.sources[2].sharesStorage(with: weight.value.scalars),
           cache.sources[3].sharesStorage(with: bias.value.scalars), cache.sources[4].sharesStorage(with: runningMean.value.scalars),
           cache.sources[5].sharesStorage(with: runningVar.value.scalars) {
            return (cache.weight, cache.bias)
        }
        let sources = [conv.weight.value.scalars, conv.bias?.value.scalars ?? [], weight.value.scalars, bias.value.scalars,
                       runningMean.value.scalars, runningVar.value.scalars]
        let (w, b) = folded(into: conv)
        foldCache = (sources, w, b)
        return (w, b)
    }
}

/// conv → batch norm → (+ residual) → optional activation, the unit every zoo model repeats. In
/// eval mode with gradients off it runs as one fused convolution (batch norm folded into the
/// weights, residual and activation as oneDNN post-ops, activations kept channels-last between
/// such convolutions); otherwise as the separate, trainable ops.
/// `feedsDenseConvolution`: the result goes only into a convolution with a window over 1×1 (a
/// ResNet block's second), so training may leave it in the layout that convolution trains in.
func convNormActivation(_ conv: Conv2d, _ norm: BatchNorm2d, _ activation: Activation?, _ input: Variable, residual: Variable? = nil,
                        feedsDenseConvolution: Bool = false) throws -> Variable {
    if !norm.isTraining && !GradientMode.isEnabled {
        let (weight, bias) = norm.foldedCached(into: conv)
        return try input.conv2dInference(weight: weight, bias: bias, options: conv.options, activation: activation, residual: residual)
    }
    norm.dropFold()
    if norm.isTraining && Variable.channelsLastTraining && input.shape.count == 4 && (activation?.fusesIntoBatchNorm ?? true) {
        // Channels-last from here on, with batch norm, residual and activation in one pass.
        return try norm.forwardFused(after: conv, input, residual: residual, activation: activation, blockedOutput: feedsDenseConvolution)
    }
    var out = try norm(conv(input))
    if let residual { out = try out + residual }
    return activation.map { out.activation($0) } ?? out
}

/// An expansion (1×1 conv → batch norm → activation) then a depthwise conv → batch norm →
/// activation, the head of every MobileNetV2 and EfficientNet block. In eval mode with gradients
/// off, both run as one call with their batch norms folded, which a backend may fuse into one
/// kernel (`Variable.pointwiseDepthwiseInference`); otherwise as `convNormActivation` twice.
func expandThenDepthwise(_ expand: (conv: Conv2d, norm: BatchNorm2d), _ depthwise: (conv: Conv2d, norm: BatchNorm2d), activation: Activation,
                         _ input: Variable) throws -> Variable {
    guard !expand.norm.isTraining && !depthwise.norm.isTraining && !GradientMode.isEnabled else {
        let hidden = try convNormActivation(expand.conv, expand.norm, activation, input)
        return try convNormActivation(depthwise.conv, depthwise.norm, activation, hidden)
    }
    let (pointwiseWeight, pointwiseBias) = expand.norm.foldedCached(into: expand.conv)
    let (depthwiseWeight, depthwiseBias) = depthwise.norm.foldedCached(into: depthwise.conv)
    return try input.pointwiseDepthwiseInference(pointwise: (pointwiseWeight, pointwiseBias, expand.conv.options, activation),
                                                 depthwise: (depthwiseWeight, depthwiseBias, depthwise.conv.options, activation))
}

/// torchvision's `Conv2dNormActivation`: children "0" (conv), "1" (batch norm), "2" (activation),
/// so names read `features.0.0.weight`, `features.0.1.running_mean`.
public final class ConvNormActivation: Module {
    public let conv: Conv2d
    public let norm: BatchNorm2d
    public let activation: ActivationLayer?
    public var isTraining = true

    public init(conv: Conv2d, norm: BatchNorm2d, activation: Activation?) {
        self.conv = conv
        self.norm = norm
        self.activation = activation.map(ActivationLayer.init)
    }

    public var children: [(String, any Module)] {
        [("0", conv), ("1", norm)] + (activation.map { [("2", $0)] } ?? [])
    }

    public func forward(_ input: Variable) throws -> Variable {
        try convNormActivation(conv, norm, activation?.kind, input)
    }

    /// The block's output plus `residual`, added before the activation (fused in eval mode).
    func forward(_ input: Variable, residual: Variable?) throws -> Variable {
        try convNormActivation(conv, norm, activation?.kind, input, residual: residual)
    }
}
