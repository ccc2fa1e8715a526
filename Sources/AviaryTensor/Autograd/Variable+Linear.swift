extension Variable {
    /// [M, K] · [K, N] → [M, N] on `Engine.kernels.gemm`.
    public func matmul(_ other: Variable) throws -> Variable {
        let a = value.shape, b = other.shape
        guard a.count == 2, b.count == 2, a[1] == b[0] else {
            throw TensorError.shapeMismatch(op: "matmul", detail: "\(a) · \(b)", hint: "use [M, K] · [K, N]")
        }
        let (m, k, n) = (a[0], a[1], b[1])
        let kernels = Engine.kernels
        let left = value.scalars, right = other.value.scalars
        let out = Tensor(uncheckedShape: [m, n], scalars: kernels.gemm(left, right, m: m, n: n, k: k, transposeA: false, transposeB: false))
        return Variable(out, parents: [self, other]) { gradOut in
            [Tensor(uncheckedShape: a, scalars: kernels.gemm(gradOut.scalars, right, m: m, n: k, k: n, transposeA: false, transposeB: true)),
             Tensor(uncheckedShape: b, scalars: kernels.gemm(left, gradOut.scalars, m: k, n: n, k: m, transposeA: true, transposeB: false))]
        }
    }

    /// y = x · Wᵀ + b with W as [out, in], as `torch.nn.functional.linear`.
    public func linear(weight: Variable, bias: Variable? = nil) throws -> Variable {
        let x = value.shape, w = weight.shape
        guard x.count == 2, w.count == 2, x[1] == w[1] else {
            throw TensorError.shapeMismatch(op: "linear", detail: "input \(x), weight \(w)", hint: "input must be [N, in] and weight [out, in]; flatten images first")
        }
        if let bias, bias.shape != [w[0]] {
            throw TensorError.shapeMismatch(op: "linear", detail: "bias \(bias.shape) for \(w[0]) outputs", hint: "bias must be [\(w[0])]")
        }
        let (n, input, output) = (x[0], x[1], w[0])
        let kernels = Engine.kernels
        let xs = value.scalars, ws = weight.value.scalars, bs = bias?.value.scalars
        let forward = {
            var out = kernels.gemm(xs, ws, m: n, n: output, k: input, transposeA: false, transposeB: true)
            if let b = bs {
                for i in 0..<n { for j in 0..<output { out[i * output + j] += b[j] } }
            }
            return Tensor(uncheckedShape: [n, output], scalars: out)
        }
        let result = forward()
        DNNLReplayRecorder.current?.record(recomputing: result, reading: [xs, ws] + (bs.map { [$0] } ?? []), forward)
        return Variable(result, parents: [self, weight] + (bias.map { [$0] } ?? [])) { gradOut in
            let dy = gradOut.scalars
            var db = [Float](repeating: 0, count: output)
            for i in 0..<n { for j in 0..<output { db[j] += dy[i * output + j] } }
            return [Tensor(uncheckedShape: x, scalars: kernels.gemm(dy, ws, m: n, n: input, k: output, transposeA: false, transposeB: false)),
                    Tensor(uncheckedShape: w, scalars: kernels.gemm(dy, xs, m: output, n: input, k: n, transposeA: true, transposeB: false)),
                    Tensor(uncheckedShape: [output], scalars: db)]
        }
    }
}
