import Foundation

/// Training batch norm on channels-last [N, H, W, C] data with the residual add and a clamp
/// activation (ReLU, ReLU6) fused in: the fast path of `DNNLKernels.batchNormActivationChannelsLast`.
/// One pass writes act(bn(x) + r) where the separate ops took three (batch norm, add, eltwise),
/// and the backward pass masks the gradient by the clamp on the fly.
///
/// Rows (pixels) are split across threads; each thread sums its rows per channel in Float lanes
/// over blocks of `block` rows, combined in Float64; two passes for the statistics (mean, then
/// squared deviations), like `BatchNormReference`, which the tests compare against by parts.
enum ChannelsLastBatchNorm {
    static let block = 64

    /// The clamp bounds; (−∞, +∞) without an activation.
    static func bounds(_ activation: Activation?) -> (lo: Float, hi: Float) {
        activation?.clampBounds ?? (-.infinity, .infinity)
    }

    static func training(_ x: [Float], channels c: Int, gamma: [Float], beta: [Float], residual: [Float]?, activation: Activation?, epsilon: Float) -> (output: [Float], mean: [Float], variance: [Float]) {
        let rows = x.count / c, m = Double(rows)
        var out = uninitializedScalars(x.count)
        let (lo, hi) = bounds(activation)
        var mean = [Float](repeating: 0, count: c), variance = mean
        x.withUnsafeBufferPointer { xb in
            nonisolated(unsafe) let px = xb.baseAddress!
            let sums = channelSums(rows: rows, channels: c) { row, acc in
                addRow(px + row * c, c, into: acc)
            }
            for ch in 0..<c { mean[ch] = Float(sums[ch] / m) }
            let squares = mean.withUnsafeBufferPointer { mb in
                nonisolated(unsafe) let pm = mb.baseAddress!
                return channelSums(rows: rows, channels: c) { row, acc in
                    addSquaredDeviations(px + row * c, pm, c, into: acc)
                }
            }
            for ch in 0..<c { variance[ch] = Float(squares[ch] / m) }
        }
        // scale = γ/√(var + ε), shift = β − mean·scale, in Float64 as the reference does.
        var scale = [Float](repeating: 0, count: c), shift = scale
        for ch in 0..<c {
            let s = Double(gamma[ch]) / (Double(variance[ch]) + Double(epsilon)).squareRoot()
            scale[ch] = Float(s); shift[ch] = Float(Double(beta[ch]) - Double(mean[ch]) * s)
        }
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in
        scale.withUnsafeBufferPointer { sb in shift.withUnsafeBufferPointer { tb in
            nonisolated(unsafe) let px = xb.baseAddress!, po = ob.baseAddress!, ps = sb.baseAddress!, pt = tb.baseAddress!
            if let residual {
                residual.withUnsafeBufferPointer { rb in
                    nonisolated(unsafe) let pr = rb.baseAddress!
                    forEachRowRange(rows) { range in
                        for row in range { normalizeRow(px + row * c, pr + row * c, po + row * c, c, ps, pt, lo, hi) }
                    }
                }
            } else {
                forEachRowRange(rows) { range in
                    for row in range { normalizeRow(px + row * c, nil, po + row * c, c, ps, pt, lo, hi) }
                }
            }
        } } } }
        return (out, mean, variance)
    }

    /// Gradients of `training`: the input's, γ's, β's, and (when `needResidual`) the residual's,
    /// which is the gradient masked by the activation.
    static func backward(gradOutput dy: [Float], input x: [Float], output y: [Float], channels c: Int, gamma: [Float], mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool) -> (input: [Float], gamma: [Float], beta: [Float], residual: [Float]?) {
        let rows = x.count / c, m = Double(rows)
        let (lo, hi) = bounds(activation)
        var dx = uninitializedScalars(x.count)
        var masked = needResidual ? uninitializedScalars(x.count) : []
        var sumDy = [Double](), sumDyCentered = [Double]()
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in y.withUnsafeBufferPointer { yb in
        mean.withUnsafeBufferPointer { mb in masked.withUnsafeMutableBufferPointer { rb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, py = yb.baseAddress!, pm = mb.baseAddress!
            // An empty array may still hand out an address: write masked gradients only when asked.
            nonisolated(unsafe) let pr = needResidual ? rb.baseAddress : nil
            // Σ g and Σ g·(x − mean) in one sweep, with g = dy where lo < y < hi, else 0.
            let both = channelSums(rows: rows, channels: 2 * c) { row, acc in
                let o = row * c
                gradientRowSums(pg + o, py + o, px + o, pm, pr.map { $0 + o }, c, lo, hi, sum: acc, centered: acc + c)
            }
            sumDy = Array(both[0..<c]); sumDyCentered = Array(both[c...])
        } } } } }
        var a = [Float](repeating: 0, count: c), b = a, k = a
        var dGamma = a, dBeta = a
        for ch in 0..<c {
            let inv = 1 / (Double(variance[ch]) + Double(epsilon)).squareRoot(), g = Double(gamma[ch])
            let sumDyXhat = sumDyCentered[ch] * inv
            dGamma[ch] = Float(sumDyXhat); dBeta[ch] = Float(sumDy[ch])
            // dx = a·g + b·(x − mean) + k: the reference's formula with the per-channel terms folded.
            a[ch] = Float(g * inv); b[ch] = Float(-g * inv * inv * sumDyXhat / m); k[ch] = Float(-g * inv * sumDy[ch] / m)
        }
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in y.withUnsafeBufferPointer { yb in dx.withUnsafeMutableBufferPointer { ob in
        mean.withUnsafeBufferPointer { mb in a.withUnsafeBufferPointer { ab in b.withUnsafeBufferPointer { bb in k.withUnsafeBufferPointer { kb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, py = yb.baseAddress!, po = ob.baseAddress!
            nonisolated(unsafe) let pm = mb.baseAddress!, pa = ab.baseAddress!, pb = bb.baseAddress!, pk = kb.baseAddress!
            forEachRowRange(rows) { range in
                for row in range {
                    let o = row * c
                    inputGradientRow(pg + o, py + o, px + o, po + o, c, pm, pa, pb, pk, lo, hi)
                }
            }
        } } } } } } } }
        return (dx, dGamma, dBeta, needResidual ? masked : nil)
    }

    // MARK: - Threads

    private static func threads(_ rows: Int) -> Int { max(1, min(DNNLKernels.threadCount, rows / block)) }

    /// Runs `body` on one contiguous range of rows per thread.
    private static func forEachRowRange(_ rows: Int, _ body: @Sendable (Range<Int>) -> Void) {
        ParallelRanges.forEach(rows, grain: block, body)
    }

    /// Per-channel sums over all rows: `add(row, acc)` adds one row into `channels` Float lanes;
    /// every `block` rows the lanes are moved into Float64 totals, so long sums keep their precision.
    private static func channelSums(rows: Int, channels: Int, _ add: @escaping @Sendable (Int, UnsafeMutablePointer<Float>) -> Void) -> [Double] {
        let t = threads(rows)
        var totals = [Double](repeating: 0, count: t * channels)
        totals.withUnsafeMutableBufferPointer { tb in
            nonisolated(unsafe) let pt = tb.baseAddress!
            let work: @Sendable (Int) -> Void = { i in
                let acc = UnsafeMutablePointer<Float>.allocate(capacity: channels)
                defer { acc.deallocate() }
                let total = pt + i * channels
                var row = rows * i / t
                let end = rows * (i + 1) / t
                while row < end {
                    acc.initialize(repeating: 0, count: channels)
                    let stop = min(row + block, end)
                    while row < stop { add(row, acc); row += 1 }
                    for ch in 0..<channels { total[ch] += Double(acc[ch]) }
                }
            }
            ParallelRanges.perform(t, work)
        }
        var result = [Double](repeating: 0, count: channels)
        for i in 0..<t { for ch in 0..<channels { result[ch] += totals[i * channels + ch] } }
        return result
    }

    // MARK: - Rows
    // Plain loops over pointers, which LLVM vectorises; SIMD16's clamp and mask operations ran
    // lane by lane here (5× slower than these).

    private static func addRow(_ x: UnsafePointer<Float>, _ c: Int, into acc: UnsafeMutablePointer<Float>) {
        for j in 0..<c { acc[j] += x[j] }
    }

    private static func addSquaredDeviations(_ x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ c: Int, into acc: UnsafeMutablePointer<Float>) {
        for j in 0..<c { let d = x[j] - mean[j]; acc[j] += d * d }
    }

    /// out = clamp(x·scale + shift (+ r), lo, hi).
    private static func normalizeRow(_ x: UnsafePointer<Float>, _ r: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>, _ c: Int, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, _ lo: Float, _ hi: Float) {
        if let r {
            for j in 0..<c { out[j] = clamp(x[j] * scale[j] + shift[j] + r[j], lo, hi) }
        } else {
            for j in 0..<c { out[j] = clamp(x[j] * scale[j] + shift[j], lo, hi) }
        }
    }

    @inline(__always) private static func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
        let low = v < lo ? lo : v
        return low > hi ? hi : low
    }

    /// The activation's mask on the gradient: dy where lo < y < hi, else 0.
    @inline(__always) private static func masked(_ dy: Float, _ y: Float, _ lo: Float, _ hi: Float) -> Float {
        (y > lo) == (y < hi) ? dy : 0  // both true inside (lo < hi); exactly one true outside
    }

    private static func gradientRowSums(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ maskedOut: UnsafeMutablePointer<Float>?, _ c: Int, _ lo: Float, _ hi: Float, sum: UnsafeMutablePointer<Float>, centered: UnsafeMutablePointer<Float>) {
        if let maskedOut {
            for j in 0..<c {
                let g = masked(dy[j], y[j], lo, hi)
                maskedOut[j] = g; sum[j] += g; centered[j] += g * (x[j] - mean[j])
            }
        } else {
            for j in 0..<c {
                let g = masked(dy[j], y[j], lo, hi)
                sum[j] += g; centered[j] += g * (x[j] - mean[j])
            }
        }
    }

    /// dx = a·g + b·(x − mean) + k with g the masked gradient.
    private static func inputGradientRow(_ dy: UnsafePointer<Float>, _ y: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ c: Int, _ mean: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ lo: Float, _ hi: Float) {
        for j in 0..<c { out[j] = a[j] * masked(dy[j], y[j], lo, hi) + b[j] * (x[j] - mean[j]) + k[j] }
    }
}

extension DNNLKernels {
    public func batchNormActivationChannelsLast(input: Tensor, gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float]) {
        guard input.rank == 4, activation?.fusesIntoBatchNorm ?? true else {
            return try reference.batchNormActivationChannelsLast(input: input, gamma: gamma, beta: beta, residual: residual, activation: activation, epsilon: epsilon)
        }
        let (out, mean, variance) = ChannelsLastBatchNorm.training(input.scalars, channels: input.shape[3], gamma: gamma.scalars, beta: beta.scalars, residual: residual?.scalars, activation: activation, epsilon: epsilon)
        return (Tensor(uncheckedShape: input.shape, scalars: out), mean, variance)
    }

    public func batchNormActivationChannelsLastBackward(gradOutput: Tensor, input: Tensor, output: Tensor, gamma: Tensor, mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool) throws -> BatchNormGradients {
        guard input.rank == 4, activation?.fusesIntoBatchNorm ?? true else {
            return try reference.batchNormActivationChannelsLastBackward(gradOutput: gradOutput, input: input, output: output, gamma: gamma, mean: mean, variance: variance, activation: activation, epsilon: epsilon, needResidual: needResidual)
        }
        let c = input.shape[3]
        let g = ChannelsLastBatchNorm.backward(gradOutput: gradOutput.scalars, input: input.scalars, output: output.scalars, channels: c, gamma: gamma.scalars, mean: mean, variance: variance, activation: activation, epsilon: epsilon, needResidual: needResidual)
        return BatchNormGradients(input: Tensor(uncheckedShape: input.shape, scalars: g.input), gamma: Tensor(uncheckedShape: [c], scalars: g.gamma),
                                  beta: Tensor(uncheckedShape: [c], scalars: g.beta), residual: g.residual.map { Tensor(uncheckedShape: input.shape, scalars: $0) })
    }
}
