extension Tensor {
    /// Axes reordered: output axis i is input axis `axes[i]` (NumPy `transpose`, ONNX `Transpose`).
    /// The explicit layout conversion: NCHW → NHWC is `permuted([0, 2, 3, 1])`.
    public func permuted(_ axes: [Int]) throws -> Tensor {
        guard axes.count == rank, Set(axes) == Set(0..<rank) else {
            throw TensorError.invalidArgument(op: "permute", detail: "axes \(axes) for rank \(rank)", hint: "give each axis 0..<\(rank) exactly once")
        }
        let outShape = axes.map { shape[$0] }
        let inStrides = strides
        let stepStrides = axes.map { inStrides[$0] }
        var out = [Float](repeating: 0, count: count)
        var index = [Int](repeating: 0, count: rank)
        var source = 0
        for flat in 0..<count {
            out[flat] = scalars[source]
            var axis = rank - 1
            while axis >= 0 {
                index[axis] += 1; source += stepStrides[axis]
                if index[axis] < outShape[axis] { break }
                source -= stepStrides[axis] * index[axis]; index[axis] = 0
                axis -= 1
            }
        }
        return Tensor(uncheckedShape: outShape, scalars: out)
    }

    /// NHWC (interleaved pixels, as images decode) to NCHW.
    public func nhwcToNCHW() throws -> Tensor { try permuted([0, 3, 1, 2]) }

    /// NCHW to NHWC.
    public func nchwToNHWC() throws -> Tensor { try permuted([0, 2, 3, 1]) }
}
