extension BatchNorm2d {
    /// The convolution weight and bias that compute conv → this batch norm (with running
    /// statistics) in one convolution: w·s and (b − mean)·s + β with s = γ/√(var + ε).
    public func folded(into conv: Conv2d) -> (weight: Tensor, bias: Tensor) {
        var weight = conv.weight.value
        var bias = conv.bias?.value ?? Tensor(zeros: [weight.shape[0]])
        let perChannel = weight.count / weight.shape[0]
        for c in 0..<weight.shape[0] {
            let scale = self.weight.value.scalars[c] / (runningVar.value.scalars[c] + epsilon).squareRoot()
            for i in 0..<perChannel { weight.scalars[c * perChannel + i] *= scale }
            bias.scalars[c] = (bias.scalars[c] - runningMean.value.scalars[c]) * scale + self.bias.value.scalars[c]
        }
        return (weight, bias)
    }
}

/// conv → batch norm → optional activation, the unit every zoo model repeats. In eval mode with
/// gradients off it runs as one fused convolution (batch norm folded into the weights, the
/// activation as a oneDNN post-op); otherwise as the three separate, trainable ops.
func convNormActivation(_ conv: Conv2d, _ norm: BatchNorm2d, _ activation: Activation?, _ input: Variable) throws -> Variable {
    if !norm.isTraining && !GradientMode.isEnabled {
        let (weight, bias) = norm.folded(into: conv)
        return try input.conv2dInference(weight: weight, bias: bias, options: conv.options, activation: activation)
    }
    let normalized = try norm(conv(input))
    return activation.map { normalized.activation($0) } ?? normalized
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
}
