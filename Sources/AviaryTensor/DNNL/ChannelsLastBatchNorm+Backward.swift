/// The backward pass of `ChannelsLastBatchNorm.training`, in two sweeps over the rows: one for the
/// per-channel sums (`BackwardTerms`), one for the input gradient. The second sweep takes any
/// range of rows into any buffer, so a caller may run it a tile at a time and consume each tile
/// while it is in cache (`PointwiseBatchNormBackward`) instead of writing the whole gradient.
extension ChannelsLastBatchNorm {
    /// What the first sweep leaves: γ's and β's gradients, the residual's (the gradient masked by
    /// the activation) when asked for, and the per-channel terms of dx = a·g + b·(x − mean) + k,
    /// g the masked gradient: the reference's formula with the per-channel factors folded.
    struct BackwardTerms: Sendable {
        let channels: Int
        let activation: Activation?
        let lo: Float, hi: Float
        let mean: [Float], a: [Float], b: [Float], k: [Float]
        /// x·scale + shift, the output before the clamp, when the mask is recomputed from the
        /// input (a forward pass without a residual); empty when it is read from the output.
        let maskScale: [Float], maskShift: [Float]
        let gamma: [Float], beta: [Float]
        let residual: [Float]?

        /// Runs `body` with the terms as raw pointers, valid inside it: one setup per range of rows.
        func withRowKernel<R>(_ body: (RowKernel) -> R) -> R {
            mean.withUnsafeBufferPointer { mb in a.withUnsafeBufferPointer { ab in b.withUnsafeBufferPointer { bb in k.withUnsafeBufferPointer { kb in
            maskScale.withUnsafeBufferPointer { sb in maskShift.withUnsafeBufferPointer { tb in
                body(RowKernel(channels: channels, activation: activation, lo: lo, hi: hi, mean: mb.baseAddress!, a: ab.baseAddress!, b: bb.baseAddress!, k: kb.baseAddress!,
                               maskScale: maskScale.isEmpty ? nil : sb.baseAddress, maskShift: tb.baseAddress))
            } } } } } }
        }
    }

    /// `BackwardTerms` as pointers, for the second sweep.
    struct RowKernel {
        let channels: Int
        let activation: Activation?
        let lo: Float, hi: Float
        let mean: UnsafePointer<Float>, a: UnsafePointer<Float>, b: UnsafePointer<Float>, k: UnsafePointer<Float>
        let maskScale: UnsafePointer<Float>?, maskShift: UnsafePointer<Float>?

        /// The input gradient of NHWC rows `rows` into `out` (row `rows.lowerBound` first);
        /// `dy`, `x` and `y` point at row 0 of the whole batch.
        func inputGradient(rows: Range<Int>, gradOutput dy: UnsafePointer<Float>, input x: UnsafePointer<Float>, output y: UnsafePointer<Float>,
                           into out: UnsafeMutablePointer<Float>) {
            let c = channels
            let mask = MaskSource(activation: activation, output: y, scale: maskScale, shift: maskShift)
            for (i, row) in rows.enumerated() {
                let o = row * c
                inputGradientRow(dy + o, mask.row(o), x + o, out + i * c, c, mean, a, b, k, lo, hi)
            }
        }
    }

    /// Gradients of `training`: the input's, γ's, β's, and (when `needResidual`) the residual's,
    /// which is the gradient masked by the activation. The mask comes from `y`, or, given `beta`
    /// (a forward pass without a residual), from x·scale + shift recomputed exactly as `training`
    /// computed it, so `y` is not read at all; without an activation there is no mask.
    /// `blockedPixels`: `x` is nChw16c as in `training`, and the input gradient comes back nChw16c
    /// too, the layout the convolution's backward passes take.
    static func backward(gradOutput dy: [Float], input x: [Float], output y: [Float], channels c: Int, gamma: [Float], beta: [Float]? = nil, mean: [Float], variance: [Float], activation: Activation?, epsilon: Float, needResidual: Bool, blockedPixels: Int? = nil) -> (input: [Float], gamma: [Float], beta: [Float], residual: [Float]?) {
        let terms = backwardTerms(gradOutput: dy, input: x, output: y, channels: c, gamma: gamma, beta: beta, mean: mean, variance: variance,
                                  activation: activation, epsilon: epsilon, needResidual: needResidual, blockedPixels: blockedPixels)
        let rows = x.count / c
        let layout = InputLayout(channels: c, blockedPixels: blockedPixels)
        var dx = uninitializedScalars(x.count)
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in y.withUnsafeBufferPointer { yb in dx.withUnsafeMutableBufferPointer { ob in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, py = yb.baseAddress!, po = ob.baseAddress!
            if let stride = layout.chunkStride {
                forEachRowRange(rows) { range in
                    // One NHWC row of scratch per range: x gathered in, dx computed in place, scattered out.
                    let row = UnsafeMutablePointer<Float>.allocate(capacity: c)
                    defer { row.deallocate() }
                    terms.withRowKernel { kernel in
                        for r in range {
                            let blocked = layout.offset(r)
                            gatherChunks(px + blocked, stride, c, into: row)
                            // The row alone: dy and y are NHWC, x is the gathered row.
                            kernel.inputGradient(rows: 0..<1, gradOutput: pg + r * c, input: row, output: py + r * c, into: row)
                            scatterChunks(row, c, into: po + blocked, stride)
                        }
                    }
                }
            } else {
                forEachRowRange(rows) { range in
                    terms.withRowKernel { $0.inputGradient(rows: range, gradOutput: pg, input: px, output: py, into: po + range.lowerBound * c) }
                }
            }
        } } } }
        return (dx, terms.gamma, terms.beta, terms.residual)
    }

    /// The first sweep: Σ g and Σ g·(x − mean) per channel, with g = dy where lo < y < hi, else 0
    /// (and g written out as the residual's gradient when `needResidual`); then the per-channel terms.
    static func backwardTerms(gradOutput dy: [Float], input x: [Float], output y: [Float], channels c: Int, gamma: [Float], beta: [Float]?, mean: [Float], variance: [Float],
                              activation: Activation?, epsilon: Float, needResidual: Bool, blockedPixels: Int?) -> BackwardTerms {
        let rows = x.count / c, m = Double(rows)
        let layout = InputLayout(channels: c, blockedPixels: blockedPixels)
        let (lo, hi) = bounds(activation)
        let recomputed = activation != nil ? beta.map { scaleAndShift(gamma: gamma, beta: $0, mean: mean, variance: variance, epsilon: epsilon) } : nil
        let (maskScale, maskShift) = recomputed ?? ([], [])
        var masked = needResidual ? uninitializedScalars(x.count) : []
        var sumDy = [Double](), sumDyCentered = [Double]()
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in y.withUnsafeBufferPointer { yb in
        mean.withUnsafeBufferPointer { mb in masked.withUnsafeMutableBufferPointer { rb in
        maskScale.withUnsafeBufferPointer { sb in maskShift.withUnsafeBufferPointer { tb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, py = yb.baseAddress!, pm = mb.baseAddress!
            nonisolated(unsafe) let mask = MaskSource(activation: activation, output: py, scale: recomputed != nil ? sb.baseAddress : nil, shift: tb.baseAddress)
            // An empty array may still hand out an address: write masked gradients only when asked.
            nonisolated(unsafe) let pr = needResidual ? rb.baseAddress : nil
            let both = ParallelRanges.channelSums(rows: rows, channels: 2 * c, block: block) { row, acc in
                let o = row * c
                if let stride = layout.chunkStride {
                    // x's row gathered into the upper half of the accumulator's scratch, past its 2·C lanes.
                    let xRow = acc + 2 * c
                    gatherChunks(px + layout.offset(row), stride, c, into: xRow)
                    gradientRowSums(pg + o, mask.row(o), xRow, pm, pr.map { $0 + o }, c, lo, hi, sum: acc, centered: acc + c)
                } else {
                    gradientRowSums(pg + o, mask.row(o), px + o, pm, pr.map { $0 + o }, c, lo, hi, sum: acc, centered: acc + c)
                }
            }
            sumDy = Array(both[0..<c]); sumDyCentered = Array(both[c...])
        } } } } } } }
        var a = [Float](repeating: 0, count: c), b = a, k = a
        var dGamma = a, dBeta = a
        for ch in 0..<c {
            let inv = 1 / (Double(variance[ch]) + Double(epsilon)).squareRoot(), g = Double(gamma[ch])
            let sumDyXhat = sumDyCentered[ch] * inv
            dGamma[ch] = Float(sumDyXhat); dBeta[ch] = Float(sumDy[ch])
            a[ch] = Float(g * inv); b[ch] = Float(-g * inv * inv * sumDyXhat / m); k[ch] = Float(-g * inv * sumDy[ch] / m)
        }
        return BackwardTerms(channels: c, activation: activation, lo: lo, hi: hi, mean: mean, a: a, b: b, k: k, maskScale: maskScale, maskShift: maskShift,
                             gamma: dGamma, beta: dBeta, residual: needResidual ? masked : nil)
    }

    // MARK: - Rows

    /// The activation's mask on the gradient: dy where lo < y < hi, else 0.
    @inline(__always) static func masked(_ dy: Float, _ y: Float, _ lo: Float, _ hi: Float) -> Float {
        (y > lo) == (y < hi) ? dy : 0  // both true inside (lo < hi); exactly one true outside
    }

    /// Where a row's activation mask comes from: nowhere (no activation), the output row, or the
    /// output before the clamp recomputed from the input row as x·scale + shift.
    enum MaskSource {
        case none
        case output(UnsafePointer<Float>)
        case recomputed(scale: UnsafePointer<Float>, shift: UnsafePointer<Float>)

        init(activation: Activation?, output: UnsafePointer<Float>, scale: UnsafePointer<Float>?, shift: UnsafePointer<Float>?) {
            if activation == nil { self = .none } else if let scale, let shift { self = .recomputed(scale: scale, shift: shift) } else { self = .output(output) }
        }

        /// The source for the row starting at scalar `offset`.
        func row(_ offset: Int) -> MaskSource {
            if case let .output(y) = self { return .output(y + offset) }
            return self
        }
    }

    static func gradientRowSums(_ dy: UnsafePointer<Float>, _ mask: MaskSource, _ x: UnsafePointer<Float>, _ mean: UnsafePointer<Float>, _ maskedOut: UnsafeMutablePointer<Float>?, _ c: Int, _ lo: Float, _ hi: Float, sum: UnsafeMutablePointer<Float>, centered: UnsafeMutablePointer<Float>) {
        // One loop per mask source and output, so that each vectorises.
        switch (mask, maskedOut) {
        case let (.output(y), out?):
            for j in 0..<c { let g = masked(dy[j], y[j], lo, hi); out[j] = g; sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        case let (.output(y), nil):
            for j in 0..<c { let g = masked(dy[j], y[j], lo, hi); sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        case let (.recomputed(s, t), out?):
            for j in 0..<c { let g = masked(dy[j], x[j] * s[j] + t[j], lo, hi); out[j] = g; sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        case let (.recomputed(s, t), nil):
            for j in 0..<c { let g = masked(dy[j], x[j] * s[j] + t[j], lo, hi); sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        case let (.none, out?):
            for j in 0..<c { let g = dy[j]; out[j] = g; sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        case (.none, nil):
            for j in 0..<c { let g = dy[j]; sum[j] += g; centered[j] += g * (x[j] - mean[j]) }
        }
    }

    /// dx = a·g + b·(x − mean) + k with g the masked gradient.
    static func inputGradientRow(_ dy: UnsafePointer<Float>, _ mask: MaskSource, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ c: Int, _ mean: UnsafePointer<Float>, _ a: UnsafePointer<Float>, _ b: UnsafePointer<Float>, _ k: UnsafePointer<Float>, _ lo: Float, _ hi: Float) {
        switch mask {
        case let .output(y):
            for j in 0..<c { out[j] = a[j] * masked(dy[j], y[j], lo, hi) + b[j] * (x[j] - mean[j]) + k[j] }
        case let .recomputed(s, t):
            for j in 0..<c { out[j] = a[j] * masked(dy[j], x[j] * s[j] + t[j], lo, hi) + b[j] * (x[j] - mean[j]) + k[j] }
        case .none:
            for j in 0..<c { out[j] = a[j] * dy[j] + b[j] * (x[j] - mean[j]) + k[j] }
        }
    }}
