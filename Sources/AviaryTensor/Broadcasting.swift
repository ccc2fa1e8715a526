/// NumPy broadcasting: shapes align on the right; a size-1 axis stretches to match.
public enum Broadcasting {
    public static func shape(_ a: [Int], _ b: [Int], op: String) throws -> [Int] {
        let rank = max(a.count, b.count)
        let pa = [Int](repeating: 1, count: rank - a.count) + a
        let pb = [Int](repeating: 1, count: rank - b.count) + b
        return try (0..<rank).map { axis in
            if pa[axis] == pb[axis] || pb[axis] == 1 { return pa[axis] }
            if pa[axis] == 1 { return pb[axis] }
            throw TensorError.shapeMismatch(op: op, detail: "\(a) and \(b) differ at axis \(axis) (\(pa[axis]) vs \(pb[axis]))", hint: "make the sizes equal or 1 (broadcasting aligns shapes on the right)")
        }
    }

    /// For each element of `outShape`, the flat index into a tensor of `shape` broadcast to it.
    static func sourceIndices(of shape: [Int], in outShape: [Int]) -> [Int] {
        let padded = [Int](repeating: 1, count: outShape.count - shape.count) + shape
        let strides = Tensor.contiguousStrides(padded).enumerated().map { padded[$0.offset] == 1 ? 0 : $0.element }
        let total = outShape.reduce(1, *)
        var result = [Int](repeating: 0, count: total)
        var index = [Int](repeating: 0, count: outShape.count)
        var source = 0
        for flat in 0..<total {
            result[flat] = source
            var axis = outShape.count - 1
            while axis >= 0 {
                index[axis] += 1; source += strides[axis]
                if index[axis] < outShape[axis] { break }
                source -= strides[axis] * index[axis]; index[axis] = 0
                axis -= 1
            }
        }
        return result
    }

    /// Elementwise `combine` of two broadcast tensors.
    public static func apply(_ a: Tensor, _ b: Tensor, op: String, _ combine: (Float, Float) -> Float) throws -> Tensor {
        if a.shape == b.shape {
            var out = a.scalars
            for i in 0..<out.count { out[i] = combine(out[i], b.scalars[i]) }
            return Tensor(uncheckedShape: a.shape, scalars: out)
        }
        let outShape = try shape(a.shape, b.shape, op: op)
        let ia = sourceIndices(of: a.shape, in: outShape), ib = sourceIndices(of: b.shape, in: outShape)
        var out = [Float](repeating: 0, count: ia.count)
        for i in 0..<out.count { out[i] = combine(a.scalars[ia[i]], b.scalars[ib[i]]) }
        return Tensor(uncheckedShape: outShape, scalars: out)
    }

    /// The gradient of a broadcast operand: sum over the axes it was stretched along.
    public static func reduce(_ grad: Tensor, to shape: [Int]) -> Tensor {
        if grad.shape == shape { return grad }
        let indices = sourceIndices(of: shape, in: grad.shape)
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        for i in 0..<indices.count { out[indices[i]] += grad.scalars[i] }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}
