import Foundation

/// Batch normalisation over axis 1 of an [N, C, …] tensor, with PyTorch's conventions: the batch is
/// normalised with the biased variance, the running variance is updated with the unbiased one.
public enum BatchNormReference {
    public struct Saved: Sendable {
        public var mean: [Float]
        public var invStd: [Float]
    }

    static func dims(_ shape: [Int]) -> (outer: Int, channels: Int, inner: Int) {
        (shape[0], shape[1], shape.dropFirst(2).reduce(1, *))
    }

    /// Training mode: batch statistics, and the running ones moved by `momentum`.
    public static func forwardTraining(
        input: Tensor, gamma: Tensor, beta: Tensor, runningMean: inout Tensor, runningVar: inout Tensor,
        momentum: Float, epsilon: Float
    ) -> (output: Tensor, saved: Saved) {
        let (n, c, inner) = dims(input.shape)
        let m = n * inner
        var mean = [Float](repeating: 0, count: c), invStd = [Float](repeating: 0, count: c)
        var out = [Float](repeating: 0, count: input.count)
        input.scalars.withUnsafeBufferPointer { x in
            for ch in 0..<c {
                var sum = 0.0
                for b in 0..<n { for i in 0..<inner { sum += Double(x[(b * c + ch) * inner + i]) } }
                let mu = sum / Double(m)
                var sq = 0.0
                for b in 0..<n { for i in 0..<inner { let d = Double(x[(b * c + ch) * inner + i]) - mu; sq += d * d } }
                let variance = sq / Double(m)
                let unbiased = m > 1 ? sq / Double(m - 1) : variance
                let inv = 1 / (variance + Double(epsilon)).squareRoot()
                mean[ch] = Float(mu); invStd[ch] = Float(inv)
                runningMean.scalars[ch] = (1 - momentum) * runningMean.scalars[ch] + momentum * Float(mu)
                runningVar.scalars[ch] = (1 - momentum) * runningVar.scalars[ch] + momentum * Float(unbiased)
                let scale = Double(gamma.scalars[ch]) * inv, shift = Double(beta.scalars[ch]) - mu * scale
                for b in 0..<n { for i in 0..<inner {
                    let k = (b * c + ch) * inner + i
                    out[k] = Float(Double(x[k]) * scale + shift)
                } }
            }
        }
        return (Tensor(uncheckedShape: input.shape, scalars: out), Saved(mean: mean, invStd: invStd))
    }

    /// Inference mode: the running statistics, folded into one scale and shift per channel.
    public static func forwardInference(input: Tensor, gamma: Tensor, beta: Tensor, runningMean: Tensor, runningVar: Tensor, epsilon: Float) -> (output: Tensor, saved: Saved) {
        let (n, c, inner) = dims(input.shape)
        let invStd = (0..<c).map { 1 / (runningVar.scalars[$0] + epsilon).squareRoot() }
        var out = input.scalars
        for ch in 0..<c {
            let scale = gamma.scalars[ch] * invStd[ch], shift = beta.scalars[ch] - runningMean.scalars[ch] * scale
            for b in 0..<n { for i in 0..<inner { let k = (b * c + ch) * inner + i; out[k] = out[k] * scale + shift } }
        }
        return (Tensor(uncheckedShape: input.shape, scalars: out), Saved(mean: runningMean.scalars, invStd: invStd))
    }

    /// Gradients for input, gamma and beta. `trainingStatistics` says whether mean and variance
    /// depended on the input (training) or were constants (inference).
    public static func backward(gradOutput: Tensor, input: Tensor, gamma: Tensor, saved: Saved, trainingStatistics: Bool) -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        let (n, c, inner) = dims(input.shape)
        let m = Double(n * inner)
        var dx = [Float](repeating: 0, count: input.count)
        var dGamma = [Float](repeating: 0, count: c), dBeta = [Float](repeating: 0, count: c)
        for ch in 0..<c {
            let mu = Double(saved.mean[ch]), inv = Double(saved.invStd[ch])
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
