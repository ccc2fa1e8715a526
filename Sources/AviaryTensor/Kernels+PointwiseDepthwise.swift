/// One inference convolution of a chain: weights with batch norm folded in, and the activation
/// fused after it.
public struct InferenceConvolution: Sendable {
    public var weight: Tensor
    public var bias: Tensor?
    public var geometry: Conv2DGeometry
    public var activation: Activation?

    public init(weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?) {
        self.weight = weight
        self.bias = bias
        self.geometry = geometry
        self.activation = activation
    }
}

extension Kernels {
    /// The two convolutions one after the other: the definition every backend's fused version
    /// of `pointwiseDepthwiseInference` is tested against, and its fallback.
    public func pointwiseDepthwiseInference(input: Tensor, layout: ActivationLayout, pointwise: InferenceConvolution,
                                            depthwise: InferenceConvolution) throws -> (output: Tensor, layout: ActivationLayout) {
        try pointwiseDepthwiseInferenceByParts(self, input: input, layout: layout, pointwise: pointwise, depthwise: depthwise)
    }
}

func pointwiseDepthwiseInferenceByParts(_ kernels: some Kernels, input: Tensor, layout: ActivationLayout, pointwise: InferenceConvolution,
                                        depthwise: InferenceConvolution) throws -> (output: Tensor, layout: ActivationLayout) {
    let (hidden, hiddenLayout) = try kernels.conv2dInference(input: input, layout: layout, weight: pointwise.weight, bias: pointwise.bias,
                                                             geometry: pointwise.geometry, activation: pointwise.activation, residual: nil)
    return try kernels.conv2dInference(input: hidden, layout: hiddenLayout, weight: depthwise.weight, bias: depthwise.bias,
                                       geometry: depthwise.geometry, activation: depthwise.activation, residual: nil)
}
