import Foundation

/// Softmax, log-softmax and cross-entropy, all over one axis, computed with the max subtracted.
public enum SoftmaxReference {
    static func split(_ shape: [Int], axis: Int) -> (outer: Int, size: Int, inner: Int) {
        (shape[..<axis].reduce(1, *), shape[axis], shape[(axis + 1)...].reduce(1, *))
    }

    public static func forward(_ input: Tensor, axis: Int, log: Bool = false) -> Tensor {
        let (outer, size, inner) = split(input.shape, axis: axis)
        var out = input.scalars
        for o in 0..<outer { for i in 0..<inner {
            var peak = -Float.infinity
            for s in 0..<size { peak = max(peak, input.scalars[(o * size + s) * inner + i]) }
            var sum = 0.0
            for s in 0..<size { sum += Foundation.exp(Double(input.scalars[(o * size + s) * inner + i] - peak)) }
            let logSum = Float(Foundation.log(sum))
            for s in 0..<size {
                let k = (o * size + s) * inner + i
                out[k] = log ? input.scalars[k] - peak - logSum : Foundation.exp(input.scalars[k] - peak - logSum)
            }
        } }
        return Tensor(uncheckedShape: input.shape, scalars: out)
    }

    /// Given y = softmax(x): dx = y ⊙ (dy − Σ dy ⊙ y).
    public static func backward(gradOutput: Tensor, output: Tensor, axis: Int) -> Tensor {
        let (outer, size, inner) = split(output.shape, axis: axis)
        var grad = gradOutput.scalars
        for o in 0..<outer { for i in 0..<inner {
            var dot: Float = 0
            for s in 0..<size { let k = (o * size + s) * inner + i; dot += gradOutput.scalars[k] * output.scalars[k] }
            for s in 0..<size { let k = (o * size + s) * inner + i; grad[k] = output.scalars[k] * (gradOutput.scalars[k] - dot) }
        } }
        return Tensor(uncheckedShape: output.shape, scalars: grad)
    }

    /// Mean cross-entropy of logits [N, C] against class indices, with PyTorch's label smoothing
    /// and class weights: each sample's target weight w[y] scales the hard term, the smoothing
    /// term spreads ε/C over all classes (each weighted), and the mean divides by Σ w[y].
    /// Returns the loss and dL/dlogits.
    public static func crossEntropy(logits: Tensor, targets: [Int], classWeights: Tensor?, labelSmoothing: Float) -> (loss: Float, gradient: Tensor) {
        let (n, c) = (logits.shape[0], logits.shape[1])
        let logp = forward(logits, axis: 1, log: true)
        let weight = classWeights?.scalars ?? [Float](repeating: 1, count: c)
        let eps = Double(labelSmoothing)
        var denominator = 0.0
        for t in targets { denominator += Double(weight[t]) }
        var total = 0.0
        var grad = [Float](repeating: 0, count: n * c)
        for i in 0..<n {
            // a_ic: how much class c's −log p counts for sample i.
            var a = (0..<c).map { eps / Double(c) * Double(weight[$0]) }
            a[targets[i]] += (1 - eps) * Double(weight[targets[i]])
            let aSum = a.reduce(0, +)
            for j in 0..<c {
                let lp = Double(logp.scalars[i * c + j])
                total -= a[j] * lp
                grad[i * c + j] = Float((aSum * Foundation.exp(lp) - a[j]) / denominator)
            }
        }
        return (Float(total / denominator), Tensor(uncheckedShape: [n, c], scalars: grad))
    }
}
