import Foundation

/// Batch normalisation over axis 1 of an [N, C, …] tensor, in three steps that both backends share:
/// batch statistics (biased variance, as PyTorch normalises with), normalisation, and the gradient.
/// The running-statistics update lives in `Variable.batchNorm`, once for both backends.
public enum BatchNormReference {
    static func dims(_ shape: [Int]) -> (outer: Int, channels: Int, inner: Int) {
        (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// Per-channel mean and biased variance, accumulated in Float64.
    public static func statistics(_ input: Tensor) -> (mean: [Float], variance: [Float]) {
        let (n, c, inner) = dims(input.shape)
        let m = Double(n * inner)
        var mean = [Float](repeating: 0, count: c), variance = [Float](repeating: 0, count: c)
        input.scalars.withUnsafeBufferPointer { x in
            for ch in 0..<c {
                var sum = 0.0
                for b in 0..<n { for i in 0..<inner { sum += Double(x[(b * c + ch) * inner + i]) } }
                let mu = sum / m
                var sq = 0.0
                for b in 0..<n { for i in 0..<inner { let d = Double(x[(b * c + ch) * inner + i]) - mu; sq += d * d } }
                mean[ch] = Float(mu); variance[ch] = Float(sq / m)
            }
        }
        return (mean, variance)
    }

    /// γ·(x − mean)/√(variance + ε) + β, per channel.
    public static func normalize(_ input: Tensor, gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float) -> Tensor {
        let (n, c, inner) = dims(input.shape)
        var out = input.scalars
        for ch in 0..<c {
            let inv = 1 / (Double(variance[ch]) + Double(epsilon)).squareRoot()
            let scale = Double(gamma.scalars[ch]) * inv, shift = Double(beta.scalars[ch]) - Double(mean[ch]) * scale
            for b in 0..<n { for i in 0..<inner { let k = (b * c + ch) * inner + i; out[k] = Float(Double(out[k]) * scale + shift) } }
        }
        return Tensor(uncheckedShape: input.shape, scalars: out)
    }

    /// Gradients for input, gamma and beta. `trainingStatistics` says whether mean and variance
    /// depended on the input (training) or were constants (inference).
    public static func backward(gradOutput: Tensor, input: Tensor, gamma: Tensor, mean: [Float], variance: [Float], epsilon: Float, trainingStatistics: Bool) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, inner) = dims(input.shape)
        let m = Double(n * inner)
        var dx = [Float](repeating: 0, count: input.count)
        var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let mu = Double(mean[ch]), inv = 1 / (Double(variance[ch]) + Double(epsilon)).squareRoot()
            var sumDy = 0.0, sumDyXhat = 0.0
            for b in 0..<n { for i in 0..<inner {
                let k = (b * c + ch) * inner + i
                let dy = Double(gradOutput.scalars[k])
                sumDy += dy
                sumDyXhat += dy * (Double(input.scalars[k]) - mu) * inv
            } }
            dGamma[ch] = Float(sumDyXhat); dBeta[ch] = Float(sumDy)
            let g = Double(gamma.scalars[ch])
            for b in 0..<n { for i in 0..<inner {
                let k = (b * c + ch) * inner + i
                let dy = Double(gradOutput.scalars[k])
                if trainingStatistics {
                    let xhat = (Double(input.scalars[k]) - mu) * inv
                    dx[k] = Float(g * inv / m * (m * dy - sumDy - xhat * sumDyXhat))
                } else {
                    dx[k] = Float(dy * g * inv)
                }
            } }
        }
        return (Tensor(uncheckedShape: input.shape, scalars: dx), Tensor(uncheckedShape: [c], scalars: dGamma), Tensor(uncheckedShape: [c], scalars: dBeta))
    }
}
