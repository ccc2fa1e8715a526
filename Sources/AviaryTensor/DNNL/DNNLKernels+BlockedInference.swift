import Foundation

/// Inference chains in oneDNN's blocked layout (nChw16c), as ONNX Runtime's NCHWc graphs run.
///
/// oneDNN 2.6 serves NHWC convolutions with its brgconv and brdgmm kernels and nChw16c ones with
/// its older JIT kernels; asking for `any` picks NHWC. Measured one layer at a time (batch 32,
/// 2 threads, clip post-op), the blocked kernels ran EfficientNet-Lite0's depthwise layers
/// 1.2–2.3× and its 1×1 layers 1.1–2.6× faster (the narrow projections, 16–40 output channels,
/// most), and Winograd reads and writes nothing else. Dense windows with a stride are the
/// exception: brgconv on NHWC beat the blocked kernel by 5–25 % on ResNet-18's, so those stay
/// NHWC and oneDNN reorders around them. `AVIARY_INFERENCE_LAYOUT=nhwc` keeps every layer NHWC
/// (A/B runs).
extension DNNLKernels {
    static let blockedInferenceEnabled = ProcessInfo.processInfo.environment["AVIARY_INFERENCE_LAYOUT"] != "nhwc"

    /// Whether this inference convolution runs on nChw16c (else NHWC).
    static func infersBlocked(inputChannels: Int, weight: [Int], geometry g: Conv2DGeometry) -> Bool {
        guard blockedInferenceEnabled else { return false }
        let pointwise = g.kernelH == 1 && g.kernelW == 1
        let depthwise = g.groups > 1 && g.groups == inputChannels && weight[1] == 1
        let strided = g.strideH > 1 || g.strideW > 1
        return pointwise || depthwise || (g.groups == 1 && (!strided || inputChannels < 16))
    }

    public func conv2dInference(input: Tensor, layout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry, activation: Activation?,
                                residual: (scalars: Tensor, layout: ActivationLayout)?) throws -> (output: Tensor, layout: ActivationLayout) {
        let logical = layout.logicalShape(input.shape, channels: weight.shape[1] * geometry.groups)
        let blocked = DNNLKernels.infersBlocked(inputChannels: logical[1], weight: weight.shape, geometry: geometry)
        let key = ConvolutionKey(input: logical, weight: weight.shape, geometry: geometry, activation: activation, residual: residual != nil,
                                 channelsLast: true, blocked16: blocked)
        let outputLayout: ActivationLayout = blocked ? .blocked16 : .nhwc
        // The sum post-op adds into the result's layout: a chain hands the residual over in it.
        let outputShape = [logical[0], weight.shape[0], geometry.outputH, geometry.outputW]
        let sum = residual.map { $0.scalars.relaid(outputShape, from: $0.layout, to: outputLayout) }
        // The input is reordered by oneDNN if it lies otherwise (a strided NHWC layer in a blocked chain).
        guard activation.map({ DNNLKernels.eltwise($0) != nil }) ?? true, let conv = try convolution(key), let stream,
              let out = try run({ try conv.forward(input: input, inputLayout: layout, weight: weight, bias: bias, residual: sum, stream: stream, pool: pool) })
        else {
            return try conv2dInferenceChannelsLast(self, input: input, layout: layout, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual)
        }
        return (out, outputLayout)
    }
}
