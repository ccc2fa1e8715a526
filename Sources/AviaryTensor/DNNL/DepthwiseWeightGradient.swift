import Foundation

/// The weight (and bias) gradient of a depthwise convolution on channels-last data, in Swift.
/// oneDNN 2.6's depthwise kernel computes this gradient for 3×3 windows only; for EfficientNet's
/// 5×5 ones it falls back to its general grouped kernel, which took about a fifth of a training
/// step. On NHWC every tap is a multiply-add along the contiguous channels, which LLVM vectorises.
/// `Conv2DReference.backwardWeights` is the definition the tests compare it with.
enum DepthwiseWeightGradient {
    /// Whether `DNNLKernels` routes this shape here: depthwise, windows larger than 3×3.
    static func handles(weight: [Int], geometry g: Conv2DGeometry, channels: Int) -> Bool {
        g.groups == channels && weight[0] == channels && weight[1] == 1 && g.kernelH * g.kernelW > 9
    }

    /// `x` is [N, H, W, C], `dy` [N, OH, OW, C]; returns dW as [C, 1, KH, KW] and the bias gradient [C].
    static func compute(input x: [Float], gradOutput dy: [Float], batch n: Int, channels c: Int, geometry g: Conv2DGeometry) -> (weight: [Float], bias: [Float]) {
        let taps = g.kernelH * g.kernelW
        let rows = n * g.outputH
        let threads = max(1, min(DNNLKernels.threadCount, rows))
        // Per thread: taps × C weight sums and C bias sums, each row's Float lanes added into Float64.
        let width = (taps + 1) * c
        var totals = [Double](repeating: 0, count: threads * width)
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in totals.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, pt = tb.baseAddress!
            let work: @Sendable (Int) -> Void = { t in
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: width)
                defer { acc.deallocate() }
                let total = pt + t * width
                for row in (rows * t / threads)..<(rows * (t + 1) / threads) {
                    acc.initialize(repeating: 0, count: width)
                    let b = row / g.outputH, oh = row % g.outputH
                    accumulateRow(px, pg, acc, batch: b, oh: oh, channels: c, geometry: g)
                    for i in 0..<width { total[i] += Double(acc[i]) }
                }
            }
            ParallelRanges.perform(threads, work)
        } } }
        // Sum the threads, then transpose taps × C into the [C, 1, KH, KW] weight layout.
        var weight = [Float](repeating: 0, count: taps * c), bias = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            for tap in 0..<taps {
                var s = 0.0
                for t in 0..<threads { s += totals[t * width + tap * c + ch] }
                weight[ch * taps + tap] = Float(s)
            }
            var s = 0.0
            for t in 0..<threads { s += totals[t * width + taps * c + ch] }
            bias[ch] = Float(s)
        }
        return (weight, bias)
    }

    /// Adds one output row (batch `b`, output line `oh`) into `acc` (taps × C, then C for the bias).
    private static func accumulateRow(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ acc: UnsafeMutablePointer<Float>, batch b: Int, oh: Int, channels c: Int, geometry g: Conv2DGeometry) {
        let dyRow = dy + (b * g.outputH + oh) * g.outputW * c
        let biasAcc = acc + g.kernelH * g.kernelW * c
        for ow in 0..<g.outputW { multiplyAdd(dyRow + ow * c, nil, biasAcc, c) }
        for i in 0..<g.kernelH {
            let ih = oh * g.strideH - g.padTop + i * g.dilationH
            guard ih >= 0, ih < g.inputH else { continue }
            let xRow = x + (b * g.inputH + ih) * g.inputW * c
            for j in 0..<g.kernelW {
                let tapAcc = acc + (i * g.kernelW + j) * c
                for ow in 0..<g.outputW {
                    let iw = ow * g.strideW - g.padLeft + j * g.dilationW
                    guard iw >= 0, iw < g.inputW else { continue }
                    multiplyAdd(dyRow + ow * c, xRow + iw * c, tapAcc, c)
                }
            }
        }
    }

    /// acc += a · b (or += a without `b`), over `c` contiguous channels.
    @inline(__always) private static func multiplyAdd(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, _ acc: UnsafeMutablePointer<Float>, _ c: Int) {
        if let b { for k in 0..<c { acc[k] += a[k] * b[k] } } else { for k in 0..<c { acc[k] += a[k] } }
    }
}
