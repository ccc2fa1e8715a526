extension Variable {
    /// Applies separable per-axis linear maps (resize, pad, crop) in order; the gradient applies
    /// the transposed maps in reverse. Runs on `Engine.kernels`: oneDNN when the maps are exactly
    /// its half-pixel linear or nearest resampling of H and W, the Swift reference otherwise.
    public func resampled(along maps: [ResampleAxis]) throws -> Variable {
        var shape = self.shape
        for map in maps {
            guard map.axis >= 0, map.axis < shape.count, shape[map.axis] == map.inputSize else {
                throw TensorError.shapeMismatch(op: "resample", detail: "map for axis \(map.axis) of size \(map.inputSize) on \(shape)",
                                                hint: "build each axis map for the tensor's current size")
            }
            shape[map.axis] = map.outputSize
        }
        let kernels = Engine.kernels
        return Variable(try kernels.resample(value, along: maps), parents: [self]) { gradOut in
            [try kernels.resampleBackward(gradOut, along: maps)]
        }
    }
}
