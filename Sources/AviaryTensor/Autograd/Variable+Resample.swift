extension Variable {
    /// Applies separable per-axis linear maps (resize, pad, crop) in order; the gradient applies
    /// the transposed maps in reverse. Plain Swift only for now: oneDNN 2.6's resampling covers
    /// just half-pixel nearest/linear, a subset of what ONNX Resize asks for.
    public func resampled(along maps: [ResampleAxis]) throws -> Variable {
        var out = value
        for map in maps {
            guard map.axis >= 0, map.axis < out.rank, out.shape[map.axis] == map.inputSize else {
                throw TensorError.shapeMismatch(op: "resample", detail: "map for axis \(map.axis) of size \(map.inputSize) on \(out.shape)",
                                                hint: "build each axis map for the tensor's current size")
            }
            out = ResampleReference.forward(out, map)
        }
        return Variable(out, parents: [self]) { gradOut in
            var g = gradOut
            for map in maps.reversed() { g = ResampleReference.backward(g, map) }
            return [g]
        }
    }
}
