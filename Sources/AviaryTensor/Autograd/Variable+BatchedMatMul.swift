extension Variable {
    /// [..., M, K] · [..., K, N] → [..., M, N], the batch axes broadcast as in `numpy.matmul`
    /// (ranks ≥ 2; callers promote vectors). Each batch is one `Engine.kernels.gemm`; the gradient
    /// of a broadcast operand sums over the batches it was reused in.
    public func batchedMatmul(_ other: Variable) throws -> Variable {
        let a = shape, b = other.shape
        guard a.count >= 2, b.count >= 2, a[a.count - 1] == b[b.count - 2] else {
            throw TensorError.shapeMismatch(op: "batchedMatmul", detail: "\(a) · \(b)", hint: "use [..., M, K] · [..., K, N]")
        }
        let (m, k, n) = (a[a.count - 2], a[a.count - 1], b[b.count - 1])
        let batchA = Array(a.dropLast(2)), batchB = Array(b.dropLast(2))
        let batch = try Broadcasting.shape(batchA, batchB, op: "batchedMatmul")
        let sourceA = Broadcasting.sourceIndices(of: batchA, in: batch), sourceB = Broadcasting.sourceIndices(of: batchB, in: batch)
        let kernels = Engine.kernels
        let left = value.scalars, right = other.value.scalars
        var out = [Float](); out.reserveCapacity(sourceA.count * m * n)
        for (ia, ib) in zip(sourceA, sourceB) {
            out += kernels.gemm(Array(left[(ia * m * k)..<((ia + 1) * m * k)]), Array(right[(ib * k * n)..<((ib + 1) * k * n)]),
                                m: m, n: n, k: k, transposeA: false, transposeB: false)
        }
        return Variable(Tensor(uncheckedShape: batch + [m, n], scalars: out), parents: [self, other]) { gradOut in
            var ga = [Float](repeating: 0, count: left.count), gb = [Float](repeating: 0, count: right.count)
            for (index, (ia, ib)) in zip(sourceA, sourceB).enumerated() {
                let g = Array(gradOut.scalars[(index * m * n)..<((index + 1) * m * n)])
                let da = kernels.gemm(g, Array(right[(ib * k * n)..<((ib + 1) * k * n)]), m: m, n: k, k: n, transposeA: false, transposeB: true)
                let db = kernels.gemm(Array(left[(ia * m * k)..<((ia + 1) * m * k)]), g, m: k, n: n, k: m, transposeA: true, transposeB: false)
                for i in 0..<(m * k) { ga[ia * m * k + i] += da[i] }
                for i in 0..<(k * n) { gb[ib * k * n + i] += db[i] }
            }
            return [Tensor(uncheckedShape: a, scalars: ga), Tensor(uncheckedShape: b, scalars: gb)]
        }
    }
}
