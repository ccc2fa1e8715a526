import CDNNL
import Foundation

/// MobileNetV2's and EfficientNet's expansion (1×1) and 3×3 depthwise layers as one oneDNN
/// kernel (`DNNLPointwiseDepthwise`) where both would run blocked anyway (`infersBlocked`): on
/// the large maps, where the widest activation costs most to write and read back.
extension DNNLKernels {
    public func pointwiseDepthwiseInference(input: Tensor, layout: ActivationLayout, pointwise: InferenceConvolution,
                                            depthwise: InferenceConvolution) throws -> (output: Tensor, layout: ActivationLayout) {
        let logical = layout.logicalShape(input.shape, channels: pointwise.weight.shape[1])
        guard DNNLKernels.fusesPointwiseDepthwise(input: logical, pointwise: pointwise, depthwise: depthwise),
              let fused = try pointwiseDepthwise(DNNLPointwiseDepthwise.Key(
                  input: logical, pointwiseWeight: pointwise.weight.shape, depthwise: depthwise.geometry,
                  pointwiseActivation: pointwise.activation, depthwiseActivation: depthwise.activation)),
              let stream,
              let out = try run({ try fused.forward(input: input, layout: layout, pointwise: pointwise, depthwise: depthwise, stream: stream, pool: pool) })
        else {
            // Where the depthwise layer runs NHWC, the expansion does too: the switch from
            // nChw16c then reorders the expansion's narrow input, not its six times wider result
            // (EfficientNet-Lite0 b32 112, `DNNL_VERBOSE`: reorder 0.91 → 0.17 ms, the 1×1 on
            // brgconv 0.2 ms slower than blocked; at 224 1.84 → 0.31 ms and 0.86 ms slower).
            let depthwiseBlocked = DNNLKernels.infersBlocked(batch: logical[0], inputChannels: pointwise.weight.shape[0],
                                                             weight: depthwise.weight.shape, geometry: depthwise.geometry)
            let (hidden, hiddenLayout) = try conv2dInference(input: input, layout: layout, weight: pointwise.weight, bias: pointwise.bias, geometry: pointwise.geometry,
                                                             activation: pointwise.activation, residual: nil, blocked: depthwiseBlocked ? nil : false)
            return try conv2dInference(input: hidden, layout: hiddenLayout, weight: depthwise.weight, bias: depthwise.bias,
                                       geometry: depthwise.geometry, activation: depthwise.activation, residual: nil)
        }
        return (out, .blocked16)
    }

    /// False under `AVIARY_DEPTHWISE_FUSION=off` (A/B runs).
    static let depthwiseFusionEnabled = ProcessInfo.processInfo.environment["AVIARY_DEPTHWISE_FUSION"] != "off"

    /// Whether the pair runs fused: a shape the fused kernel computes exactly, activations it
    /// has post-ops for, and both layers blocked when run apart.
    static func fusesPointwiseDepthwise(input logical: [Int], pointwise: InferenceConvolution, depthwise: InferenceConvolution) -> Bool {
        let activations = hasPostOp(for: pointwise.activation) && hasPostOp(for: depthwise.activation)
        guard depthwiseFusionEnabled, activations, DNNLPointwiseDepthwise.fuses(input: logical, pointwise: pointwise, depthwise: depthwise) else { return false }
        return infersBlocked(batch: logical[0], inputChannels: logical[1], weight: pointwise.weight.shape, geometry: pointwise.geometry)
            && infersBlocked(batch: logical[0], inputChannels: pointwise.weight.shape[0], weight: depthwise.weight.shape, geometry: depthwise.geometry)
    }

    /// The fused primitive for `key`, built on first use; nil once oneDNN declined it (the pair
    /// then runs as two calls, on oneDNN still, so no warning).
    func pointwiseDepthwise(_ key: DNNLPointwiseDepthwise.Key) throws -> DNNLPointwiseDepthwise? {
        try primitive(key, in: \.pointwiseDepthwisePrimitives, refused: \.refusedPointwiseDepthwise, warn: false) {
            try DNNLPointwiseDepthwise(key: key, engine: $0)
        }
    }
}
