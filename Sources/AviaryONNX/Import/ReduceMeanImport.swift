import AviaryTensor

/// ReduceMean from engine operations, so gradients flow: each reduced axis in turn becomes the
/// channel axis of a 1×1 convolution whose weights are 1/size ([before, size, after, 1] →
/// [before, 1, after, 1]). A mean of means over equal-sized groups is the mean.
enum ReduceMeanImport {
    static func apply(_ node: NodeAttributes, _ x: Variable, _ inputs: [ImportedValue?]) throws -> Variable {
        try node.rejectUnknown(except: ["axes", "keepdims", "noop_with_empty_axes"])
        let rank = x.shape.count
        var axes: [Int]
        if node.opset >= 18 {
            axes = inputs.count > 1 && inputs[1] != nil ? try inputs[1]!.integers(node, input: node.node.input[1]) : []
        } else {
            axes = (try node.ints("axes") ?? []).map { Int($0) }
        }
        if axes.isEmpty {
            if try node.int("noop_with_empty_axes") == 1 { return x }
            axes = Array(0..<rank)
        }
        axes = axes.map { $0 < 0 ? $0 + rank : $0 }
        guard axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == axes.count else {
            throw node.unsupported("axes", "= \(axes) for rank \(rank)")
        }
        let keepDims = try node.int("keepdims") ?? 1 == 1
        var y = x
        var shape = x.shape
        for axis in axes.sorted() {
            let size = shape[axis]
            let before = shape[..<axis].reduce(1, *), after = shape[(axis + 1)...].reduce(1, *)
            let weight = Variable(Tensor(shape: [1, size, 1, 1], repeating: 1 / Float(size)))
            y = try y.reshaped(to: [before, size, after, 1]).conv2d(weight: weight)
            shape[axis] = 1
            y = try y.reshaped(to: shape)
        }
        return keepDims ? y : try y.reshaped(to: shape.enumerated().filter { !axes.contains($0.offset) }.map(\.element))
    }
}
