/// The kernels that have a fast implementation. Every op also has a plain Swift reference
/// (`Conv2DReference`, `GEMMReference`…); a backend that cannot run a case falls back to it.
public protocol Kernels: Sendable {
    var name: String { get }
    func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor
    /// Convolution followed by an activation in one pass (inference: no backward).
    func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation) throws -> Tensor
    /// Inference convolution for chains that keep activations channels-last (NHWC scalars)
    /// between layers: `input` is [N, H, W, C] when `inputChannelsLast`, else NCHW; `residual`
    /// ([N, OH, OW, O]) is added before `activation`. Returns [N, OH, OW, O]. No backward.
    func conv2dChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?, residual: Tensor?) throws -> Tensor
    /// Inference convolution inside a chain that keeps activations in the kernels' own layouts:
    /// `input` lies as `layout` says, `residual` (output-sized, added before `activation`) as its
    /// own layout says, and the result comes back in whichever layout this backend's kernel wrote
    /// (NHWC by default; nChw16c where oneDNN's blocked kernels are faster). No backward.
    func conv2dInference(input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?,
                         residual: (scalars: Tensor, layout: ActivationLayout)?) throws -> (output: Tensor, layout: ActivationLayout)
    /// A 1×1 convolution and the depthwise one after it (MobileNetV2's and EfficientNet's
    /// expansion), for inference, as one call: a backend may then compute the depthwise layer
    /// from rows of the 1×1's output while they are in cache, never writing the widest
    /// activation of the block to memory (oneDNN's depthwise post-op). Layouts as
    /// `conv2dInference`; by default the two calls.
    func pointwiseDepthwiseInference(input: Tensor, layout: ActivationLayout, pointwise: InferenceConvolution,
                                     depthwise: InferenceConvolution) throws -> (output: Tensor, layout: ActivationLayout)
    func conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor
    func conv2dBackwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry: Conv2DGeometry) throws -> (weight: Tensor, bias: Tensor)
    /// Training convolution for chains that keep activations channels-last: `input` is
    /// [N, H, W, C] when `inputChannelsLast`, else NCHW; returns [N, OH, OW, O].
    func conv2dTrainingChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor
    /// Both gradients of `conv2dTrainingChannelsLast` from one [N, OH, OW, O] `gradOutput`: the
    /// input's (in the input's layout) when `needInput`, the weight's when `needWeights`, and the
    /// bias's too when `needBias` as well (a convolution without a trainable bias needs none).
    func conv2dTrainingChannelsLastBackward(gradOutput: Tensor, input: Tensor, inputChannelsLast: Bool, weight: Tensor, geometry: Conv2DGeometry, needInput: Bool, needWeights: Bool, needBias: Bool) throws -> ConvolutionGradients
    /// Training batch norm of [N, H, W, C] `input`, plus `residual` (same shape), then `activation`
    /// (nil, ReLU or a clip: `Activation.fusesIntoBatchNorm`); returns the batch statistics too.
    func batchNormActivationChannelsLast(input: Tensor, gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float])
    /// Its gradients, from `gradOutput` and the forward `output` (whose clamp gives the activation's
    /// mask); `residual` is the gradient after the activation, returned when `needResidual`.
    /// `beta`, passed when the forward pass added no residual, lets a backend recompute the mask
    /// from `input` instead of reading `output` (one activation-sized stream less per pass).
    func batchNormActivationChannelsLastBackward(gradOutput: Tensor, input: Tensor, output: Tensor, gamma: Tensor, beta: Tensor?, mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool) throws -> BatchNormGradients
    /// `conv2dTrainingChannelsLast` then `batchNormActivationChannelsLast` as one op, so a backend
    /// may keep the convolution's result in its own layout between the two. `input` lies as
    /// `inputLayout` says (nChw16c when an earlier call left its output so). `blockedOutput` asks
    /// for the output in nChw16c, for a next convolution that reads that layout; a backend may
    /// decline (`ConvBatchNormForward.outputBlocked` says), and gradients stay NHWC either way.
    func convBatchNormActivationChannelsLast(
        input: Tensor, inputLayout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
        gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float, blockedOutput: Bool
    ) throws -> ConvBatchNormForward
    /// Its gradients: the batch norm's, then the convolution's from the batch norm's input gradient
    /// (NHWC, or NCHW for an NCHW input).
    func convBatchNormActivationChannelsLastBackward(
        gradOutput: Tensor, forward: ConvBatchNormForward, input: Tensor, inputLayout: ActivationLayout, weight: Tensor, geometry: Conv2DGeometry,
        gamma: Tensor, activation: Activation?, epsilon: Float, needInput: Bool, needWeights: Bool, needBias: Bool, needResidual: Bool
    ) throws -> ConvBatchNormGradients
    /// Row-major C[m×n] = op(A) · op(B).
    func gemm(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float]

    /// Normalises with batch statistics; returns them (biased variance) too.
    func batchNormTraining(input: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float])
    func batchNormInference(input: Tensor, gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float) throws -> Tensor
    func batchNormBackward(gradOutput: Tensor, input: Tensor, gamma: Tensor, mean: [Float], variance: [Float], epsilon: Float, trainingStatistics: Bool) throws -> (input: Tensor, gamma: Tensor, beta: Tensor)

    func activationForward(_ kind: Activation, input: Tensor) throws -> Tensor
    func activationBackward(_ kind: Activation, gradOutput: Tensor, input: Tensor) throws -> Tensor

    /// Max pooling; the returned indices are whatever the backend's backward pass needs.
    func maxPoolForward(input: Tensor, geometry: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices)
    func maxPoolBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor
    /// Max pooling of [N, H, W, C] data to [N, OH, OW, C], and its backward pass (`inputShape` NHWC).
    func maxPoolChannelsLast(input: Tensor, geometry: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices)
    func maxPoolChannelsLastBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor
    /// Max pooling inside an inference chain (`conv2dInference`'s layouts): `input` lies as
    /// `layout` says, with `channels` channels; the result comes back in the layout the kernel
    /// wrote. No backward.
    func maxPoolInference(input: Tensor, layout: ActivationLayout, channels: Int, geometry: Conv2DGeometry) throws -> (output: Tensor, layout: ActivationLayout)
    func avgPoolForward(input: Tensor, geometry: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor
    func avgPoolBackward(gradOutput: Tensor, inputShape: [Int], geometry: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor

    /// Separable per-axis linear maps (`Variable.resampled(along:)`) and their transpose; the
    /// defaults are `ResampleReference`.
    func resample(_ input: Tensor, along maps: [ResampleAxis]) throws -> Tensor
    func resampleBackward(_ gradOutput: Tensor, along maps: [ResampleAxis]) throws -> Tensor
}

/// Where each max came from: flat input indices (reference) or oneDNN's workspace bytes.
public struct PoolingIndices: Sendable {
    var argmax: [Int]?
    var workspace: [UInt8]?
}

/// The reference definitions are every backend's fallback.
extension Kernels {
    public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation) throws -> Tensor {
        activation.forward(try conv2dForward(input: input, weight: weight, bias: bias, geometry: geometry))
    }
    public func conv2dChannelsLast(input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?, residual: Tensor?) throws -> Tensor {
        try conv2dChannelsLastByParts(self, input: input, inputChannelsLast: inputChannelsLast, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual)
    }
    public func conv2dInference(input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?,
                                residual: (scalars: Tensor, layout: ActivationLayout)?) throws -> (output: Tensor, layout: ActivationLayout) {
        try conv2dInferenceChannelsLast(self, input: input, layout: layout, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual)
    }
    public func batchNormTraining(input: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float]) {
        let (mean, variance) = BatchNormReference.statistics(input)
        return (BatchNormReference.normalize(input, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon), mean, variance)
    }
    public func batchNormInference(input: Tensor, gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float) throws -> Tensor {
        BatchNormReference.normalize(input, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
    }
    public func batchNormBackward(gradOutput: Tensor, input: Tensor, gamma: Tensor, mean: [Float], variance: [Float], epsilon: Float, trainingStatistics: Bool) throws -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        BatchNormReference.backward(gradOutput: gradOutput, input: input, gamma: gamma, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: trainingStatistics)
    }
    public func activationForward(_ kind: Activation, input: Tensor) throws -> Tensor { kind.forward(input) }
    public func activationBackward(_ kind: Activation, gradOutput: Tensor, input: Tensor) throws -> Tensor { kind.backward(gradOutput: gradOutput, input: input) }
    public func maxPoolForward(input: Tensor, geometry: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices) {
        let (out, argmax) = PoolingReference.maxForward(input: input, geometry: geometry)
        return (out, PoolingIndices(argmax: argmax))
    }
    public func maxPoolBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        guard let argmax = indices.argmax else {
            throw TensorError.invalidArgument(op: "maxPool2d backward", detail: "indices from another backend", hint: "run forward and backward on the same Engine.kernels")
        }
        return PoolingReference.maxBackward(gradOutput: gradOutput, argmax: argmax, inputShape: inputShape)
    }
    public func maxPoolInference(input: Tensor, layout: ActivationLayout, channels: Int, geometry: Conv2DGeometry) throws -> (output: Tensor, layout: ActivationLayout) {
        try maxPoolInferenceChannelsLast(self, input: input, layout: layout, channels: channels, geometry: geometry)
    }
    public func avgPoolForward(input: Tensor, geometry: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor {
        PoolingReference.averageForward(input: input, geometry: geometry, countIncludePad: countIncludePad)
    }
    public func avgPoolBackward(gradOutput: Tensor, inputShape: [Int], geometry: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor {
        PoolingReference.averageBackward(gradOutput: gradOutput, inputShape: inputShape, geometry: geometry, countIncludePad: countIncludePad)
    }
}

/// `conv2dChannelsLast` as its parts, in NCHW: the definition the fused kernels are tested against.
func conv2dChannelsLastByParts(_ kernels: some Kernels, input: Tensor, inputChannelsLast: Bool, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?, residual: Tensor?) throws -> Tensor {
    var y = try kernels.conv2dForward(input: inputChannelsLast ? input.nhwcToNCHW() : input, weight: weight, bias: bias, geometry: geometry)
    if let residual { y = try Broadcasting.apply(y, residual.nhwcToNCHW(), op: "residual add", +) }
    if let activation { y = activation.forward(y) }
    return try y.nchwToNHWC()
}

/// `conv2dInference` on the NHWC kernel (`conv2dChannelsLast`): other layouts are converted to it.
func conv2dInferenceChannelsLast(_ kernels: some Kernels, input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry,
                                 activation: Activation?, residual: (scalars: Tensor, layout: ActivationLayout)?) throws -> (output: Tensor, layout: ActivationLayout) {
    let logical = layout.logicalShape(input.shape, channels: weight.shape[1] * geometry.groups)
    let outputShape = [logical[0], weight.shape[0], geometry.outputH, geometry.outputW]
    let x = layout == .blocked16 ? input.relaid(logical, from: .blocked16, to: .nhwc) : input
    let out = try kernels.conv2dChannelsLast(
        input: x, inputChannelsLast: layout != .nchw, weight: weight, bias: bias, geometry: geometry, activation: activation,
        residual: residual.map { $0.scalars.relaid(outputShape, from: $0.layout, to: .nhwc) })
    return (out, .nhwc)
}

/// `maxPoolInference` on the NHWC kernel (`maxPoolChannelsLast`): other layouts are converted to it.
func maxPoolInferenceChannelsLast(_ kernels: some Kernels, input: Tensor, layout: ActivationLayout, channels: Int, geometry: Conv2DGeometry) throws -> (output: Tensor, layout: ActivationLayout) {
    let nhwc = input.relaid(layout.logicalShape(input.shape, channels: channels), from: layout, to: .nhwc)
    return (try kernels.maxPoolChannelsLast(input: nhwc, geometry: geometry).output, .nhwc)
}

/// The plain Swift definitions: slow, obvious, always available.
public struct ReferenceKernels: Kernels {
    public init() {}
    public var name: String { "reference" }
    public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor {
        Conv2DReference.forward(input: input, weight: weight, bias: bias, geometry: geometry)
    }
    public func conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        Conv2DReference.backwardData(gradOutput: gradOutput, weight: weight, inputShape: inputShape, geometry: geometry)
    }
    public func conv2dBackwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry: Conv2DGeometry) throws -> (weight: Tensor, bias: Tensor) {
        Conv2DReference.backwardWeights(input: input, gradOutput: gradOutput, weightShape: weightShape, geometry: geometry)
    }
    public func gemm(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        GEMMReference.multiply(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    }
}

/// Which kernels the ops use. oneDNN by default; tests switch per task with
/// `Engine.$kernels.withValue(ReferenceKernels()) { … }`.
public enum Engine {
    @TaskLocal public static var kernels: any Kernels = DNNLKernels.shared
}
