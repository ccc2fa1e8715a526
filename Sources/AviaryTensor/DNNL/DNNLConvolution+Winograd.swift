import CDNNL
import Foundation

/// Winograd F(4×4, 3×3) for the convolutions that qualify, in training and in inference.
///
/// A ResNet spends four fifths of its convolution FLOPs in 3×3, stride-1 convolutions, and the
/// direct JIT kernels already run those near the cores' peak: the only way to train faster than
/// PyTorch (which runs the same direct kernels) is to do less arithmetic. oneDNN 2.6 still has
/// its AVX-512 Winograd kernels (`jit_wino_4x3`; 3.x dropped them): measured at batch 32 on the
/// four ResNet-18 3×3 shapes, 2 threads, CPU time per call, direct → Winograd: forward 2.0–2.4×,
/// backward data 1.8–2.7×, backward weights 1.7–3.3× less. They take blocked (nChw16c)
/// activations, which training convolutions use already; the channels-last inference chain
/// reorders in and out around them (two activation-sized passes, far less than the halved
/// arithmetic), and its inference weights are transformed once (`DNNLPreparedWeights`).
///
/// The price is rounding: Winograd's transforms lose a little precision (relative error around
/// 1e-5 instead of 1e-6 at these sizes). Small layers gain little and are what the tests pin
/// against the reference, so only layers with at least 64 input and output channels take it.
/// `AVIARY_WINOGRAD=0` turns it off (exact direct convolutions everywhere).
extension DNNLConvolution {
    static let winogradEnabled: Bool = ProcessInfo.processInfo.environment["AVIARY_WINOGRAD"] != "0"

    /// The algorithm to ask oneDNN for first; it falls back to direct where Winograd is refused.
    static func preferredAlgorithm(_ key: DNNLKernels.ConvolutionKey) -> dnnl_alg_kind_t {
        preferredAlgorithm(input: key.input[1], output: key.weight[0], geometry: key.geometry)
    }

    static func preferredAlgorithm(input: Int, output: Int, geometry g: Conv2DGeometry) -> dnnl_alg_kind_t {
        let qualifies = winogradEnabled
            && g.kernelH == 3 && g.kernelW == 3 && g.strideH == 1 && g.strideW == 1
            && g.dilationH == 1 && g.dilationW == 1 && g.groups == 1
            && input >= 64 && output >= 64
        return qualifies ? dnnl_convolution_winograd : dnnl_convolution_direct
    }

    /// `make(algorithm)`, and if oneDNN cannot serve Winograd here (or serves it with something
    /// other than its Winograd kernel), `make(direct)`.
    static func withFallback(_ algorithm: dnnl_alg_kind_t, _ make: (dnnl_alg_kind_t) throws -> DNNLPrimitive) throws -> (DNNLPrimitive, dnnl_alg_kind_t) {
        if algorithm == dnnl_convolution_winograd, let made = try? make(algorithm), made.implementation.contains("wino") {
            return (made, algorithm)
        }
        return (try make(dnnl_convolution_direct), dnnl_convolution_direct)
    }
}
