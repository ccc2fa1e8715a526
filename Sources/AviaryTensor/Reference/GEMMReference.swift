/// C = op(A) · op(B) for row-major matrices, where op transposes when asked. The one product that
/// matmul, linear and their gradients all reduce to.
public enum GEMMReference {
    public static func multiply(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        var c = [Float](repeating: 0, count: m * n)
        a.withUnsafeBufferPointer { a in
            b.withUnsafeBufferPointer { b in
                for i in 0..<m { for j in 0..<n {
                    var acc = 0.0
                    for p in 0..<k {
                        let av = transposeA ? a[p * m + i] : a[i * k + p]
                        let bv = transposeB ? b[j * k + p] : b[p * n + j]
                        acc += Double(av) * Double(bv)
                    }
                    c[i * n + j] = Float(acc)
                } }
            }
        }
        return c
    }
}
