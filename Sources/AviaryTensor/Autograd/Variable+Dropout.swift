extension Variable {
    /// Inverted dropout: zeroes each element with probability `p` and scales the rest by 1/(1-p),
    /// so eval mode is the identity. The mask comes from `rng`, so a seed reproduces it.
    public func dropout(p: Float, training: Bool, rng: inout PCG32) throws -> Variable {
        guard p >= 0, p < 1 else {
            throw TensorError.invalidArgument(op: "dropout", detail: "p = \(p)", hint: "use 0 ≤ p < 1")
        }
        guard training, p > 0 else { return self }
        let scale = 1 / (1 - p)
        var mask = [Float](repeating: 0, count: value.count)
        for i in 0..<mask.count { mask[i] = rng.nextFloat() < p ? 0 : scale }
        var out = value.scalars
        for i in 0..<out.count { out[i] *= mask[i] }
        return Variable(Tensor(uncheckedShape: shape, scalars: out), parents: [self]) { g in
            var grad = g.scalars
            for i in 0..<grad.count { grad[i] *= mask[i] }
            return [Tensor(uncheckedShape: g.shape, scalars: grad)]
        }
    }
}
