extension Variable {
    /// Max pooling over every axis after the first two ([N, C, D₁, …]), any window; reference only
    /// (the 2-D `maxPool2d` is the oneDNN-backed path models use).
    public func maxPool(window: PoolingWindow) throws -> Variable {
        guard value.rank >= 3 else { throw TensorError.shapeMismatch(op: "maxPool", detail: "input \(shape)", hint: "input must be [N, C, D₁, …]") }
        let (out, argmax) = try PoolingNDReference.maxForward(input: value, window: window)
        let inputShape = shape
        return Variable(out, parents: [self]) { g in [PoolingNDReference.maxBackward(gradOutput: g, argmax: argmax, inputShape: inputShape)] }
    }

    /// Average pooling over every axis after the first two, with dilations and ceil mode; reference only.
    public func avgPool(window: PoolingWindow, countIncludePad: Bool) throws -> Variable {
        guard value.rank >= 3 else { throw TensorError.shapeMismatch(op: "avgPool", detail: "input \(shape)", hint: "input must be [N, C, D₁, …]") }
        let out = try PoolingNDReference.averageForward(input: value, window: window, countIncludePad: countIncludePad)
        let inputShape = shape
        return Variable(out, parents: [self]) { g in
            [try PoolingNDReference.averageBackward(gradOutput: g, inputShape: inputShape, window: window, countIncludePad: countIncludePad)]
        }
    }
}
