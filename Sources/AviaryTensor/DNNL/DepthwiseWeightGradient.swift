import Foundation

/// The weight (and bias) gradient of a depthwise convolution on channels-last data, in Swift.
/// oneDNN 2.6's depthwise kernel computes this gradient for 3×3 windows only; for EfficientNet's
/// 5×5 ones it falls back to its general grouped kernel, which took about a fifth of a training
/// step. On NHWC every tap is a multiply-add along the contiguous channels, which LLVM vectorises.
/// `Conv2DReference.backwardWeights` is the definition the tests compare it with.
enum DepthwiseWeightGradient {
    /// Output rows summed in Float before the sums move into Float64: moving them after every row
    /// took a fifth of the time on 4×4 maps of 1,152 channels.
    static let rowsPerFlush = 8

    /// Whether `DNNLKernels` routes this shape here: depthwise, windows larger than 3×3.
    static func handles(weight: [Int], geometry g: Conv2DGeometry, channels: Int) -> Bool {
        g.groups == channels && weight[0] == channels && weight[1] == 1 && g.kernelH * g.kernelW > 9
    }

    /// `x` is [N, H, W, C], `dy` [N, OH, OW, C]; returns dW as [C, 1, KH, KW] and the bias gradient [C].
    static func compute(input x: [Float], gradOutput dy: [Float], batch n: Int, channels c: Int, geometry g: Conv2DGeometry) -> (weight: [Float], bias: [Float]) {
        let taps = g.kernelH * g.kernelW
        let rows = n * g.outputH
        // Taps × C weight sums and C bias sums per output row, Float lanes over `rowsPerFlush`
        // output rows at a time, then added into Float64.
        let sums = x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!
            return ParallelRanges.channelSums(rows: rows, channels: (taps + 1) * c, block: rowsPerFlush) { row, acc in
                accumulateRow(px, pg, acc, batch: row / g.outputH, oh: row % g.outputH, channels: c, geometry: g)
            }
        } }
        // Transpose taps × C into the [C, 1, KH, KW] weight layout.
        var weight = [Float](repeating: 0, count: taps * c)
        for ch in 0..<c { for tap in 0..<taps { weight[ch * taps + tap] = Float(sums[tap * c + ch]) } }
        let bias = (0..<c).map { Float(sums[taps * c + $0]) }
        return (weight, bias)
    }

    /// Adds one output row (batch `b`, output line `oh`) into `acc` (taps × C, then C for the bias).
    /// Per tap, each 16-channel chunk sums the whole row in one vector register and touches `acc`
    /// once: the plain loop loaded and stored `acc` for every output pixel, twice the memory
    /// traffic of the products themselves.
    private static func accumulateRow(_ x: UnsafePointer<Float>, _ dy: UnsafePointer<Float>, _ acc: UnsafeMutablePointer<Float>, batch b: Int, oh: Int, channels c: Int, geometry g: Conv2DGeometry) {
        let dyRow = dy + (b * g.outputH + oh) * g.outputW * c
        let biasAcc = acc + g.kernelH * g.kernelW * c
        sumPixels(dyRow, nil, count: g.outputW, strideA: c, strideB: 0, into: biasAcc, c)
        for i in 0..<g.kernelH {
            let ih = oh * g.strideH - g.padTop + i * g.dilationH
            guard ih >= 0, ih < g.inputH else { continue }
            let xRow = x + (b * g.inputH + ih) * g.inputW * c
            for j in 0..<g.kernelW {
                // The output pixels whose input column iw = ow·stride − pad + j·dilation lies inside.
                let offset = j * g.dilationW - g.padLeft
                let first = offset >= 0 ? 0 : (-offset + g.strideW - 1) / g.strideW
                let span = g.inputW - 1 - offset
                let last = span < 0 ? 0 : min(g.outputW, span / g.strideW + 1)
                guard first < last else { continue }
                sumPixels(dyRow + first * c, xRow + (first * g.strideW + offset) * c, count: last - first,
                          strideA: c, strideB: g.strideW * c, into: acc + (i * g.kernelW + j) * c, c)
            }
        }
    }

    /// acc[k] += Σ over `count` pixels p of a[p·strideA + k] · b[p·strideB + k] (or of a alone
    /// without `b`), for the `c` channels k. `SIMD16`'s `+` and `*` compile to vector
    /// instructions; its `addProduct` ran lane by lane, five times slower than the plain loop.
    @inline(__always) private static func sumPixels(_ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>?, count: Int, strideA: Int, strideB: Int,
                                                    into acc: UnsafeMutablePointer<Float>, _ c: Int) {
        var k = 0
        while k + 16 <= c {
            var sum = UnsafeRawPointer(acc + k).loadUnaligned(as: SIMD16<Float>.self)
            if let b {
                for p in 0..<count {
                    let va = UnsafeRawPointer(a + p * strideA + k).loadUnaligned(as: SIMD16<Float>.self)
                    let vb = UnsafeRawPointer(b + p * strideB + k).loadUnaligned(as: SIMD16<Float>.self)
                    sum += va * vb
                }
            } else {
                for p in 0..<count { sum += UnsafeRawPointer(a + p * strideA + k).loadUnaligned(as: SIMD16<Float>.self) }
            }
            UnsafeMutableRawPointer(acc + k).storeBytes(of: sum, as: SIMD16<Float>.self)
            k += 16
        }
        for ch in k..<c {
            var sum = acc[ch]
            if let b {
                for p in 0..<count { sum += a[p * strideA + ch] * b[p * strideB + ch] }
            } else {
                for p in 0..<count { sum += a[p * strideA + ch] }
            }
            acc[ch] = sum
        }
    }
}
