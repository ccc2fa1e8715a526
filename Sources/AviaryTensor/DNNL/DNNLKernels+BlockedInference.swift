import CDNNL
import Foundation

/// Inference chains in oneDNN's blocked layout (nChw16c), as ONNX Runtime's NCHWc graphs run.
///
/// oneDNN 2.6 serves NHWC convolutions with its brgconv and brdgmm kernels and nChw16c ones with
/// its older JIT kernels; asking for `any` picks NHWC. Which is faster depends on the size of the
/// maps (`DNNL_VERBOSE`, EfficientNet-Lite0 at batch 32, 2 threads, each layer both ways): on
/// large maps the blocked depthwise and 1×1 kernels win by up to 2.5× (the narrow 16–40 channel
/// projections most), while on maps of a few thousand pixels per batch brgconv wins by up to
/// 1.8× (the 1×1 layers at 4×4 and 7×7). So depthwise, 1×1 and first layers run blocked when
/// their output has at least `blockedFromPixels` pixels across the batch or
/// `blockedFromImagePixels` in each image, and NHWC below. A
/// layer's output size decides, so the layers of a residual block (all one size) agree and a
/// residual rarely changes layout; an expansion whose depthwise layer runs NHWC runs NHWC too
/// (`pointwiseDepthwiseInference`), so the switch reorders the narrow tensor. Winograd reads and
/// writes nothing but nChw16c, so its layers run blocked at every size. Dense windows with a stride stay NHWC: brgconv beat the blocked
/// kernel by 5–25 % on ResNet-18's. oneDNN reorders where neighbours differ.
/// `AVIARY_INFERENCE_LAYOUT=nhwc` keeps every layer NHWC (A/B runs).
extension DNNLKernels {
    /// False under `AVIARY_INFERENCE_LAYOUT=nhwc` (benchmarks record which).
    public static let blockedInferenceEnabled = ProcessInfo.processInfo.environment["AVIARY_INFERENCE_LAYOUT"] != "nhwc"
    /// Batch × output height × width from which the blocked kernels won: at 25,088 (batch 32 of
    /// 28×28) they won on EfficientNet-Lite0 at 224 px and lost by 10 % at 112 px; at 6,272 (14×14)
    /// and below they lost by 20–80 % at 112 px. Task-local so that tests can run small images blocked.
    @TaskLocal static var blockedFromPixels = 25_000
    /// Output height × width from which the blocked kernels win at any batch: at batch 1
    /// (EfficientNet-Lite0 at 224 px, median per layer over 25 runs of each) they ran the
    /// 112×112 layers 25–40 % faster than brgconv and brdgmm (16 → 96 channels: 0.40 → 0.25 ms),
    /// were within 10 % either way at 56×56 and 28×28, and let the 16 → 96 expansion fuse with its
    /// stride-2 depthwise layer. Batch 32 reaches `blockedFromPixels` at 28×28 already.
    static let blockedFromImagePixels = 3_136

    /// Whether this inference convolution runs on nChw16c (else NHWC).
    static func infersBlocked(batch: Int, inputChannels: Int, weight: [Int], geometry g: Conv2DGeometry) -> Bool {
        guard blockedInferenceEnabled else { return false }
        if DNNLConvolution.preferredAlgorithm(input: inputChannels, output: weight[0], geometry: g) == dnnl_convolution_winograd { return true }
        let pointwise = g.kernelH == 1 && g.kernelW == 1
        let depthwise = g.groups > 1 && g.groups == inputChannels && weight[1] == 1
        let strided = g.strideH > 1 || g.strideW > 1
        let blockedKernelWins = pointwise || depthwise || (g.groups == 1 && (!strided || inputChannels < 16))
        let pixels = g.outputH * g.outputW
        return blockedKernelWins && (batch * pixels >= blockedFromPixels || pixels >= blockedFromImagePixels)
    }

    public func conv2dInference(input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?,
                                residual: (scalars: Tensor, layout: ActivationLayout)?) throws -> (output: Tensor, layout: ActivationLayout) {
        try conv2dInference(input: input, layout: layout, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual, blocked: nil)
    }

    /// `blocked`: the layout the caller chose (nil: `infersBlocked` decides).
    func conv2dInference(input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?,
                         residual: (scalars: Tensor, layout: ActivationLayout)?, blocked chosen: Bool?) throws -> (output: Tensor, layout: ActivationLayout) {
        let logical = layout.logicalShape(input.shape, channels: weight.shape[1] * geometry.groups)
        let blocked = chosen ?? DNNLKernels.infersBlocked(batch: logical[0], inputChannels: logical[1], weight: weight.shape, geometry: geometry)
        let key = ConvolutionKey(input: logical, weight: weight.shape, geometry: geometry, activation: activation, residual: residual != nil,
                                 channelsLast: true, blocked16: blocked)
        // oneDNN reorders the input, and the residual, where they lie otherwise than the result.
        guard DNNLKernels.hasPostOp(for: activation), let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, inputLayout: layout, weight: weight, bias: bias,
                                                   residual: residual?.scalars, residualLayout: residual?.layout, stream: stream, pool: pool) })
        else {
            return try conv2dInferenceChannelsLast(self, input: input, layout: layout, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual)
        }
        return (out, blocked ? .blocked16 : .nhwc)
    }
}
