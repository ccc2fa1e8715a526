import CDNNL
import Foundation

/// Inference chains in oneDNN's blocked layout (nChw16c), as ONNX Runtime's NCHWc graphs run.
///
/// oneDNN 2.6 serves NHWC convolutions with its brgconv and brdgmm kernels and nChw16c ones with
/// its older JIT kernels; asking for `any` picks NHWC. Depthwise, 1×1 and first layers run
/// blocked at every size: on large maps the blocked kernels win by up to 2.5× (the narrow 16–40
/// channel projections most); on small maps they are within 10 % of brgconv either way, and a
/// chain that never switches layout saves the reorders between (measured 2026-12-04, see
/// `blockedFromPixels`). Winograd reads and writes nothing but nChw16c. Dense windows with a
/// stride stay NHWC: brgconv beat the blocked kernel by 15–55 % on five of ResNet-18's six
/// (batch 32, each alone; equal on 64 channels at 56 → 28 px), and oneDNN reorders where
/// neighbours differ. An expansion whose depthwise layer runs
/// NHWC runs NHWC too (`pointwiseDepthwiseInference`), so a switch reorders the narrow tensor.
/// `AVIARY_INFERENCE_LAYOUT=nhwc` keeps every layer NHWC (A/B runs).
extension DNNLKernels {
    /// False under `AVIARY_INFERENCE_LAYOUT=nhwc` (benchmarks record which).
    public static let blockedInferenceEnabled = ProcessInfo.processInfo.environment["AVIARY_INFERENCE_LAYOUT"] != "nhwc"
    /// Batch × output height × width from which depthwise, 1×1 and first layers run blocked.
    /// It was 25,000 (batch 32 of 28×28) from per-layer timings taken before residuals became
    /// binary post-ops and expansions fused with their depthwise layers. Measured again
    /// (2026-12-04, 2 threads, `DNNL_VERBOSE` sums over interleaved runs), blocking every size
    /// won: EfficientNet-Lite0 b32 224 182 → 152–157 ms of kernels a pass, b32 112 41.7 → 40.8,
    /// b1 4.72 → 4.53; MobileNetV2 b32 112 38.7 → 35.1; ResNet-18 even. The brdgmm depthwise
    /// layers at 14×14 were the big losers (480 channels, 3×3: 1.62 against 0.86 ms blocked).
    /// Task-local so that tests can put small maps on NHWC.
    @TaskLocal static var blockedFromPixels = 0

    /// Whether this inference convolution runs on nChw16c (else NHWC).
    static func infersBlocked(batch: Int, inputChannels: Int, weight: [Int], geometry g: Conv2DGeometry) -> Bool {
        guard blockedInferenceEnabled else { return false }
        if DNNLConvolution.preferredAlgorithm(input: inputChannels, output: weight[0], geometry: g) == dnnl_convolution_winograd { return true }
        let pointwise = g.kernelH == 1 && g.kernelW == 1
        let depthwise = g.groups > 1 && g.groups == inputChannels && weight[1] == 1
        let strided = g.strideH > 1 || g.strideW > 1
        let blockedKernelWins = pointwise || depthwise || (g.groups == 1 && (!strided || inputChannels < 16))
        return blockedKernelWins && batch * g.outputH * g.outputW >= blockedFromPixels
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
