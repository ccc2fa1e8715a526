import Foundation

/// Batch norm on NCHW planes, vectorised Swift split over channels across threads: the fast path
/// `DNNLKernels` uses for [N, C, H, W]. oneDNN 2.6 serves plain NCHW only with `ncsp_bnorm`, which
/// Debian compiles for baseline x86-64: it ran at about 1.4 GB/s and took a third of an
/// EfficientNet-Lite0 training step. Same arithmetic as `BatchNormReference` (biased variance, two
/// passes), which the tests compare it with; sums are per-plane Float lanes combined in Float64.
enum PlanarBatchNorm {
    typealias Vector = SIMD16<Float>

    struct Dims { var n: Int, c: Int, inner: Int }

    /// Normalises with batch statistics; returns the mean and the biased variance.
    static func training(_ x: [Float], dims: Dims, gamma: [Float], beta: [Float], epsilon: Float) -> (output: [Float], mean: [Float], variance: [Float]) {
        var mean = [Float](repeating: 0, count: dims.c), variance = mean
        var out = uninitializedScalars(x.count)
        let m = Double(dims.n * dims.inner)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in mean.withUnsafeMutableBufferPointer { mb in variance.withUnsafeMutableBufferPointer { vb in
            nonisolated(unsafe) let px = xb.baseAddress!, po = ob.baseAddress!, pm = mb.baseAddress!, pv = vb.baseAddress!
            forEachChannel(dims.c) { ch in
                var sum = 0.0
                for b in 0..<dims.n { sum += Double(planeSum(px + (b * dims.c + ch) * dims.inner, dims.inner)) }
                let mu = Float(sum / m)
                var sq = 0.0
                for b in 0..<dims.n { sq += Double(planeSquaredDeviation(px + (b * dims.c + ch) * dims.inner, dims.inner, mu)) }
                pm[ch] = mu; pv[ch] = Float(sq / m)
                let (scale, shift) = affine(gamma[ch], beta[ch], mu, pv[ch], epsilon)
                for b in 0..<dims.n {
                    let offset = (b * dims.c + ch) * dims.inner
                    planeAffine(px + offset, po + offset, dims.inner, scale, shift)
                }
            }
        } } } }
        return (out, mean, variance)
    }

    /// Normalises with given (running) statistics.
    static func inference(_ x: [Float], dims: Dims, gamma: [Float], beta: [Float], mean: [Float], variance: [Float], epsilon: Float) -> [Float] {
        var out = uninitializedScalars(x.count)
        x.withUnsafeBufferPointer { xb in out.withUnsafeMutableBufferPointer { ob in
            nonisolated(unsafe) let px = xb.baseAddress!, po = ob.baseAddress!
            forEachChannel(dims.c) { ch in
                let (scale, shift) = affine(gamma[ch], beta[ch], mean[ch], variance[ch], epsilon)
                for b in 0..<dims.n {
                    let offset = (b * dims.c + ch) * dims.inner
                    planeAffine(px + offset, po + offset, dims.inner, scale, shift)
                }
            }
        } }
        return out
    }

    /// Gradients for input, gamma and beta, as `BatchNormReference.backward`.
    static func backward(gradOutput dy: [Float], input x: [Float], dims: Dims, gamma: [Float], mean: [Float], variance: [Float], epsilon: Float, trainingStatistics: Bool) -> (input: [Float], gamma: [Float], beta: [Float]) {
        var dx = uninitializedScalars(x.count)
        var dGamma = [Float](repeating: 0, count: dims.c), dBeta = dGamma
        let m = Double(dims.n * dims.inner)
        x.withUnsafeBufferPointer { xb in dy.withUnsafeBufferPointer { gb in dx.withUnsafeMutableBufferPointer { ob in
        dGamma.withUnsafeMutableBufferPointer { dgb in dBeta.withUnsafeMutableBufferPointer { dbb in
            nonisolated(unsafe) let px = xb.baseAddress!, pg = gb.baseAddress!, po = ob.baseAddress!, pdg = dgb.baseAddress!, pdb = dbb.baseAddress!
            forEachChannel(dims.c) { ch in
                let mu = mean[ch], inv = 1 / (Double(variance[ch]) + Double(epsilon)).squareRoot()
                var sumDy = 0.0, sumDyCentered = 0.0
                for b in 0..<dims.n {
                    let offset = (b * dims.c + ch) * dims.inner
                    let (s, sc) = planeGradientSums(pg + offset, px + offset, dims.inner, mu)
                    sumDy += Double(s); sumDyCentered += Double(sc)
                }
                let sumDyXhat = sumDyCentered * inv
                pdg[ch] = Float(sumDyXhat); pdb[ch] = Float(sumDy)
                // dx = a·dy + b·(x − mean) + c, the reference's formula with the per-channel terms folded.
                let g = Double(gamma[ch])
                let a = g * inv
                let bx = trainingStatistics ? -g * inv * inv * sumDyXhat / m : 0
                let c = trainingStatistics ? -g * inv * sumDy / m : 0
                for b in 0..<dims.n {
                    let offset = (b * dims.c + ch) * dims.inner
                    planeLinear(pg + offset, px + offset, po + offset, dims.inner, Float(a), Float(bx), Float(c), mu)
                }
            }
        } } } } }
        return (dx, dGamma, dBeta)
    }

    /// scale = γ/√(var + ε), shift = β − mean·scale, in Float64 as the reference does.
    private static func affine(_ gamma: Float, _ beta: Float, _ mean: Float, _ variance: Float, _ epsilon: Float) -> (Float, Float) {
        let scale = Double(gamma) / (Double(variance) + Double(epsilon)).squareRoot()
        return (Float(scale), Float(Double(beta) - Double(mean) * scale))
    }

    /// Runs `body` for every channel, the channels split into one contiguous range per thread.
    private static func forEachChannel(_ channels: Int, _ body: @Sendable (Int) -> Void) {
        let threads = max(1, min(DNNLKernels.threadCount, channels))
        if threads == 1 { for ch in 0..<channels { body(ch) }; return }
        ParallelRanges.perform(threads) { t in
            for ch in (channels * t / threads)..<(channels * (t + 1) / threads) { body(ch) }
        }
    }

    private static func planeSum(_ p: UnsafePointer<Float>, _ count: Int) -> Float {
        let raw = UnsafeRawPointer(p)
        var acc = Vector(), i = 0
        while i + Vector.scalarCount <= count { acc += raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self); i += Vector.scalarCount }
        var total = acc.sum()
        while i < count { total += p[i]; i += 1 }
        return total
    }

    private static func planeSquaredDeviation(_ p: UnsafePointer<Float>, _ count: Int, _ mean: Float) -> Float {
        let raw = UnsafeRawPointer(p), mu = Vector(repeating: mean)
        var acc = Vector(), i = 0
        while i + Vector.scalarCount <= count {
            let d = raw.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - mu
            acc += d * d; i += Vector.scalarCount
        }
        var total = acc.sum()
        while i < count { let d = p[i] - mean; total += d * d; i += 1 }
        return total
    }

    private static func planeAffine(_ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int, _ scale: Float, _ shift: Float) {
        let src = UnsafeRawPointer(x), dst = UnsafeMutableRawPointer(out)
        let s = Vector(repeating: scale), t = Vector(repeating: shift)
        var i = 0
        while i + Vector.scalarCount <= count {
            dst.storeBytes(of: src.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) * s + t, toByteOffset: i * 4, as: Vector.self)
            i += Vector.scalarCount
        }
        while i < count { out[i] = x[i] * scale + shift; i += 1 }
    }

    /// Σ dy and Σ dy·(x − mean) over one plane.
    private static func planeGradientSums(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ count: Int, _ mean: Float) -> (Float, Float) {
        let g = UnsafeRawPointer(dy), v = UnsafeRawPointer(x), mu = Vector(repeating: mean)
        var sum = Vector(), centered = Vector(), i = 0
        while i + Vector.scalarCount <= count {
            let d = g.loadUnaligned(fromByteOffset: i * 4, as: Vector.self)
            sum += d
            centered += d * (v.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - mu)
            i += Vector.scalarCount
        }
        var s = sum.sum(), sc = centered.sum()
        while i < count { s += dy[i]; sc += dy[i] * (x[i] - mean); i += 1 }
        return (s, sc)
    }

    /// out = a·dy + b·(x − mean) + c over one plane.
    private static func planeLinear(_ dy: UnsafePointer<Float>, _ x: UnsafePointer<Float>, _ out: UnsafeMutablePointer<Float>, _ count: Int, _ a: Float, _ b: Float, _ c: Float, _ mean: Float) {
        let g = UnsafeRawPointer(dy), v = UnsafeRawPointer(x), dst = UnsafeMutableRawPointer(out)
        let va = Vector(repeating: a), vb = Vector(repeating: b), vc = Vector(repeating: c), mu = Vector(repeating: mean)
        var i = 0
        while i + Vector.scalarCount <= count {
            let r = g.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) * va + (v.loadUnaligned(fromByteOffset: i * 4, as: Vector.self) - mu) * vb + vc
            dst.storeBytes(of: r, toByteOffset: i * 4, as: Vector.self)
            i += Vector.scalarCount
        }
        while i < count { out[i] = a * dy[i] + b * (x[i] - mean) + c; i += 1 }
    }
}
