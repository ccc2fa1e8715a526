import Foundation

/// 1×1 convolutions (stride 1, no padding, one group) on channels-last data are plain matrix
/// products over the [N·H·W, C] pixel matrix, so training runs them on oneDNN's sgemm: no weight
/// reorder in any pass (the OIHW weight is the [O, C] matrix) and no layout question at all.
/// EfficientNet-Lite0 is mostly such convolutions. Conv2DReference is the definition the tests
/// compare against (via `Kernels.conv2dTrainingChannelsLast`'s reference implementation).
enum PointwiseConvolution {
    /// `AVIARY_POINTWISE_GEMM=0` runs them on oneDNN's convolution instead (for A/B measurements).
    static let enabled = ProcessInfo.processInfo.environment["AVIARY_POINTWISE_GEMM"] != "0"

    static func handles(weight: [Int], geometry g: Conv2DGeometry) -> Bool {
        enabled && g.kernelH == 1 && g.kernelW == 1 && g.strideH == 1 && g.strideW == 1 && g.groups == 1
            && g.padTop == 0 && g.padLeft == 0 && g.padBottom == 0 && g.padRight == 0
    }

    /// y[M, O] = x[M, C] · wᵀ (+ bias), M = N·H·W; `input` is NHWC, the result [N, H, W, O].
    static func forward(_ kernels: DNNLKernels, input: Tensor, weight: Tensor, bias: Tensor?) -> Tensor {
        let s = input.shape, o = weight.shape[0], c = s[3], m = input.count / c
        var y = kernels.gemm(input.scalars, weight.scalars, m: m, n: o, k: c, transposeA: false, transposeB: true)
        if let bias {
            y.withUnsafeMutableBufferPointer { yb in
                bias.scalars.withUnsafeBufferPointer { bb in
                    for row in 0..<m { let r = yb.baseAddress! + row * o; for j in 0..<o { r[j] += bb[j] } }
                }
            }
        }
        return Tensor(uncheckedShape: [s[0], s[1], s[2], o], scalars: y)
    }

    /// dx[M, C] = dy[M, O] · w.
    static func backwardData(_ kernels: DNNLKernels, gradOutput: Tensor, weight: Tensor, inputShape: [Int]) -> Tensor {
        let o = weight.shape[0], c = weight.shape[1], m = gradOutput.count / o
        return Tensor(uncheckedShape: inputShape, scalars: kernels.gemm(gradOutput.scalars, weight.scalars, m: m, n: c, k: o, transposeA: false, transposeB: false))
    }

    /// dw[O, C] = dyᵀ · x, and the bias gradient: dy's column sums.
    /// `needBias`: also the bias gradient (dy's column sums), else nil.
    static func backwardWeights(_ kernels: DNNLKernels, input: Tensor, gradOutput: Tensor, weightShape: [Int], needBias: Bool) -> (weight: Tensor, bias: Tensor?) {
        let o = weightShape[0], c = weightShape[1], m = input.count / c
        let dw = kernels.gemm(gradOutput.scalars, input.scalars, m: o, n: c, k: m, transposeA: true, transposeB: false)
        // One thread summing 100,000 rows in Float64 took 1.3 % of an EfficientNet-Lite0 b32 112 step.
        let db = needBias ? ParallelRanges.columnSums(of: gradOutput.scalars, columns: o) : nil
        return (Tensor(uncheckedShape: weightShape, scalars: dw), db.map { Tensor(uncheckedShape: [o], scalars: $0) })
    }
}
