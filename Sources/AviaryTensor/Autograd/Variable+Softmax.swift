extension Variable {
    /// Softmax along `axis`.
    public func softmax(axis: Int) throws -> Variable {
        guard axis >= 0, axis < value.rank else {
            throw TensorError.invalidArgument(op: "softmax", detail: "axis \(axis) for shape \(shape)", hint: "use an axis in 0..<\(value.rank)")
        }
        let out = SoftmaxReference.forward(value, axis: axis)
        return Variable(out, parents: [self]) { g in [SoftmaxReference.backward(gradOutput: g, output: out, axis: axis)] }
    }

    /// Mean cross-entropy of logits [N, C] against class indices, as `torch.nn.functional.cross_entropy`
    /// with `weight` and `label_smoothing`.
    public func crossEntropy(targets: [Int], classWeights: Tensor? = nil, labelSmoothing: Float = 0) throws -> Variable {
        let op = "crossEntropy"
        guard value.rank == 2, targets.count == shape[0] else {
            throw TensorError.shapeMismatch(op: op, detail: "logits \(shape), \(targets.count) targets", hint: "logits must be [N, C] with N targets")
        }
        let c = shape[1]
        if let bad = targets.first(where: { $0 < 0 || $0 >= c }) {
            throw TensorError.invalidArgument(op: op, detail: "target \(bad) with \(c) classes", hint: "targets must be class indices in 0..<\(c)")
        }
        if let classWeights, classWeights.shape != [c] {
            throw TensorError.shapeMismatch(op: op, detail: "class weights \(classWeights.shape)", hint: "pass one weight per class: [\(c)]")
        }
        guard labelSmoothing >= 0, labelSmoothing <= 1 else {
            throw TensorError.invalidArgument(op: op, detail: "label smoothing \(labelSmoothing)", hint: "use a value in [0, 1]")
        }
        let (loss, gradient) = SoftmaxReference.crossEntropy(logits: value, targets: targets, classWeights: classWeights, labelSmoothing: labelSmoothing)
        return Variable(Tensor(scalar: loss), parents: [self]) { g in
            [Tensor(uncheckedShape: gradient.shape, scalars: gradient.scalars.map { $0 * g.scalars[0] })]
        }
    }
}
