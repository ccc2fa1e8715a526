import Foundation

/// Training batch norm on channels-last [N, H, W, C] data with the residual add and a clamp
/// activation (ReLU, ReLU6) fused in: the fast path of `DNNLKernels.batchNormActivationChannelsLast`.
/// One pass writes act(bn(x) + r) where the separate ops took three (batch norm, add, eltwise),
/// and the backward pass masks the gradient by the clamp on the fly.
///
/// Rows (pixels) are split across threads; each thread sums its rows per channel in Float lanes
/// over blocks of `block` rows, combined in Float64. The statistics take one pass: sums of
/// d = x − K and d² around a shift K per channel (the first pixel's value, a sample of the same
/// distribution), so var = E[d²] − E[d]² does not cancel the way E[x²] − E[x]² does when the mean
/// is far from zero. The tests compare against `BatchNormReference`'s two passes by parts.
enum ChannelsLastBatchNorm {
    static let block = 64

    /// The clamp bounds; (−∞, +∞) without an activation.
    static func bounds(_ activation: Activation?) -> (lo: Float, hi: Float) {
        activation?.clampBounds ?? (-.infinity, .infinity)
    }

    /// `blockedPixels`: `x` is nChw16c ([N, C/16, H, W, 16], C a multiple of 16) with this many
    /// pixels (H·W) per image, as a blocked convolution wrote it; the output is NHWC, or, with
    /// `blockedOutput` (no residual then), nChw16c like `x` (for a blocked convolution to read as it is).
    static func training(_ x: [Float], channels c: Int, gamma: [Float], beta: [Float], residual: [Float]?, activation: Activation?, epsilon: Float,
                         blockedPixels: Int? = nil, blockedOutput: Bool = false) -> (output: [Float], mean: [Float], variance: [Float]) {
        precondition(!blockedOutput || blockedPixels != nil, "a blocked output needs a blocked input")
        let rows = x.count / c, m = Double(rows)
        let layout = InputLayout(channels: c, blockedPixels: blockedPixels)
        var out = uninitializedScalars(x.count)
        let (lo, hi) = bounds(activation)
        var mean = [Float](repeating: 0, count: c), variance = mean
        // The shift: the first pixel's value of each channel.
        var shiftK = [Float](repeating: 0, count: c)
        x.withUnsafeBufferPointer { xb in
            if let stride = layout.chunkStride {
                shiftK.withUnsafeMutableBufferPointer { gatherChunks(xb.baseAddress! + layout.offset(0), stride, c, into: $0.baseAddress!) }
            } else if rows > 0 {
                for ch in 0..<c { shiftK[ch] = xb[ch] }
            }
        }
        x.withUnsafeBufferPointer { xb in shiftK.withUnsafeBufferPointer { kb in
            nonisolated(unsafe) let px = xb.baseAddress!, pk = kb.baseAddress!
            // Σ d in the first C lanes, Σ d² in the next C.
            let sums = ParallelRanges.channelSums(rows: rows, channels: 2 * c, block: block) { row, acc in
                if let stride = layout.chunkStride {
                    let xRow = acc + 2 * c
                    gatherChunks(px + layout.offset(row), stride, c, into: xRow)
                    addShiftedRow(xRow, pk, c, into: acc)
                } else {
                    addShiftedRow(px + row * c, pk, c, into: acc)
                }
            }
            for ch in 0..<c {
                let d = sums[ch] / m
                mean[ch] = Float(Double(shiftK[ch]) + d)
                variance[ch] = Float(max(sums[c + ch] / m - d * d, 0))
            }
        } }
        let (scale, shift) = scaleAndShift(gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in
        scale.withUnsafeBufferPointer { sb in shift.withUnsafeBufferPointer { tb in
            nonisolated(unsafe) let px = xb.baseAddress!, po = ob.baseAddress!, ps = sb.baseAddress!, pt = tb.baseAddress!
            if layout.chunkStride != nil, blockedOutput {
                // From the blocked input to the blocked output, one image's 16-channel block at a
                // time: its pixels lie one after the other, 16 floats each.
                precondition(residual == nil, "a blocked output takes no residual")
                let chunks = c / 16, pixels = layout.pixels
                ParallelRanges.forEach((rows / pixels) * chunks, grain: 1) { blocks in
                    for block in blocks {
                        let start = block * pixels * 16, channel = (block % chunks) * 16
                        normalizeBlock(px + start, po + start, pixels, ps + channel, pt + channel, lo, hi)
                    }
                }
            } else if let stride = layout.chunkStride {
                // Gathered into the NHWC row first, then the row pass as usual (in place).
                withOptionalPointer(residual) { residualPointer in
                    nonisolated(unsafe) let pr = residualPointer
                    forEachRowRange(rows) { range in
                        for row in range {
                            gatherChunks(px + layout.offset(row), stride, c, into: po + row * c)
                            normalizeRow(po + row * c, pr.map { $0 + row * c }, po + row * c, c, ps, pt, lo, hi)
                        }
                    }
                }
            } else {
                withOptionalPointer(residual) { residualPointer in
                    nonisolated(unsafe) let pr = residualPointer
                    forEachRowRange(rows) { range in
                        for row in range { normalizeRow(px + row * c, pr.map { $0 + row * c }, po + row * c, c, ps, pt, lo, hi) }
                    }
                }
            }
        } } } }
        return (out, mean, variance)
    }

    /// scale = γ/√(var + ε), shift = β − mean·scale, in Float64 as the reference does: the output
    /// before the clamp is x·scale + shift (+ residual).
    static func scaleAndShift(gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) -> (scale: [Float], shift: [Float]) {
        var scale = [Float](repeating: 0, count: gamma.count), shift = scale
        for ch in 0..<gamma.count {
            let s = Double(gamma[ch]) / (Double(variance[ch]) + Double(epsilon)).squareRoot()
            scale[ch] = Float(s); shift[ch] = Float(Double(beta[ch]) - Double(mean[ch]) * s)
        }
        return (scale, shift)
    }

    /// nChw16c scalars ([N, C/16, H·W, 16]) as NHWC.
    static func unblocked(_ x: [Float], channels c: Int, pixels: Int) -> [Float] {
        let layout = InputLayout(channels: c, blockedPixels: pixels)
        var out = uninitializedScalars(x.count)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in
            for row in 0..<(x.count / c) { gatherChunks(xb.baseAddress! + layout.offset(row), pixels * 16, c, into: ob.baseAddress! + row * c) }
        } }
        return out
    }

    // MARK: - Threads

    /// Runs `body` on one contiguous range of rows per thread.
    static func forEachRowRange(_ rows: Int, _ body: @Sendable (Range<Int>) -> Void) {
        ParallelRanges.forEach(rows, grain: block, body)
    }

    /// Where a row (pixel) of the input lies: NHWC rows of C, or nChw16c, whose row is C/16
    /// chunks of 16 floats `chunkStride` apart.
    struct InputLayout {
        let channels: Int, pixels: Int
        /// nil for NHWC.
        let chunkStride: Int?

        init(channels: Int, blockedPixels: Int?) {
            precondition(blockedPixels == nil || channels % 16 == 0, "blocked batch norm input needs channels in whole blocks of 16")
            self.channels = channels
            pixels = blockedPixels ?? 1
            chunkStride = blockedPixels.map { $0 * 16 }
        }

        /// The first float of `row`'s first chunk.
        func offset(_ row: Int) -> Int {
            let image = row / pixels
            return (image * (channels / 16) * pixels + row % pixels) * 16
        }
    }

    private static func withOptionalPointer(_ array: [Float]?, _ body: (UnsafePointer<Float>?) -> Void) {
        guard let array else { return body(nil) }
        array.withUnsafeBufferPointer { body($0.baseAddress!) }
    }

    // MARK: - Rows
    // Plain loops over pointers, which LLVM vectorises; SIMD16's clamp and mask operations ran
    // lane by lane here (5× slower than these).

    /// acc[j] += x[j] − k[j], acc[C + j] += (x[j] − k[j])².
    private static func addShiftedRow(_ x: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ c: Int, into acc: UnsafeMutablePointer<Float>) {
        let squares = acc + c
        for j in 0..<c { let d = x[j] - k[j]; acc[j] += d; squares[j] += d * d }
    }

    static func gatherChunks(_ x: UnsafePointer<Float>, _ stride: Int, _ c: Int, into row: UnsafeMutablePointer<Float>) {
        for chunk in 0..<(c / 16) { (row + chunk * 16).update(from: x + chunk * stride, count: 16) }
    }

    static func scatterChunks(_ row: UnsafePointer<Float>, _ c: Int, into x: UnsafeMutablePointer<Float>, _ stride: Int) {
        for chunk in 0..<(c / 16) { (x + chunk * stride).update(from: row + chunk * 16, count: 16) }
    }

    /// out = clamp(x·scale + shift (+ r), lo, hi).
    private static func normalizeRow(_ x: UnsafePointer<Float>, _ r: UnsafePointer<Float>?, _ out: UnsafeMutablePointer<Float>, _ c: Int, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, _ lo: Float, _ hi: Float) {
        if let r {
            for j in 0..<c { out[j] = clamp(x[j] * scale[j] + shift[j] + r[j], lo, hi) }
        } else {
            for j in 0..<c { out[j] = clamp(x[j] * scale[j] + shift[j], lo, hi) }
        }
    }

    /// `normalizeRow` over `pixels` runs of one 16-channel block (nChw16c in and out).
    private static func normalizeBlock(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ pixels: Int, _ scale: UnsafePointer<Float>, _ shift: UnsafePointer<Float>, _ lo: Float, _ hi: Float) {
        for p in 0..<pixels {
            let x = x + p * 16, out = out + p * 16
            for j in 0..<16 { out[j] = clamp(x[j] * scale[j] + shift[j], lo, hi) }
        }
    }

    @inline(__always) static func clamp(_ v: Float, _ lo: Float, _ hi: Float) -> Float {
        let low = v < lo ? lo : v
        return low > hi ? hi : low
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

    public func batchNormActivationChannelsLastBackward(gradOutput: Tensor, input: Tensor, output: Tensor, gamma: Tensor, beta: Tensor?, mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool) throws -> BatchNormGradients {
        guard input.rank == 4, activation?.fusesIntoBatchNorm ?? true else {
            return try reference.batchNormActivationChannelsLastBackward(gradOutput: gradOutput, input: input, output: output, gamma: gamma, beta: beta, mean: mean, variance: variance, activation: activation, epsilon: epsilon, needResidual: needResidual)
        }
        let c = input.shape[3]
        let g = ChannelsLastBatchNorm.backward(gradOutput: gradOutput.scalars, input: input.scalars, output: output.scalars, channels: c, gamma: gamma.scalars, beta: beta?.scalars, mean: mean, variance: variance, activation: activation, epsilon: epsilon, needResidual: needResidual)
        return BatchNormGradients(input: Tensor(uncheckedShape: input.shape, scalars: g.input), gamma: Tensor(uncheckedShape: [c], scalars: g.gamma),
                                  beta: Tensor(uncheckedShape: [c], scalars: g.beta), residual: g.residual.map { Tensor(uncheckedShape: input.shape, scalars: $0) })
    }
}
