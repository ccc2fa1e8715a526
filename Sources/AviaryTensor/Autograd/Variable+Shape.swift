extension Variable {
    /// Same elements, new shape (one size may be -1).
    public func reshaped(to newShape: [Int]) throws -> Variable {
        let out = try value.reshaped(to: newShape)
        let old = shape
        return Variable(out, parents: [self]) { g in [Tensor(uncheckedShape: old, scalars: g.scalars)] }
    }

    /// Keeps axis 0 and folds the rest: [N, C, H, W] → [N, C·H·W].
    public func flattened() throws -> Variable {
        guard value.rank >= 1 else {
            throw TensorError.shapeMismatch(op: "flatten", detail: "a scalar", hint: "flatten needs a batch axis")
        }
        return try reshaped(to: [shape[0], shape.dropFirst().reduce(1, *)])
    }

    /// Joins tensors along `axis`; all other sizes must agree.
    public static func concat(_ parts: [Variable], axis: Int) throws -> Variable {
        guard let first = parts.first else {
            throw TensorError.invalidArgument(op: "concat", detail: "no inputs", hint: "pass at least one tensor")
        }
        let rank = first.value.rank
        guard axis >= 0, axis < rank else {
            throw TensorError.invalidArgument(op: "concat", detail: "axis \(axis) for rank \(rank)", hint: "use an axis in 0..<\(rank)")
        }
        for part in parts {
            var a = part.shape, b = first.shape
            guard a.count == rank else {
                throw TensorError.shapeMismatch(op: "concat", detail: "\(part.shape) vs \(first.shape)", hint: "give every input the same rank")
            }
            a[axis] = 0; b[axis] = 0
            guard a == b else {
                throw TensorError.shapeMismatch(op: "concat", detail: "\(part.shape) vs \(first.shape) off axis \(axis)", hint: "sizes must agree on every axis but \(axis)")
            }
        }
        let outer = first.shape[..<axis].reduce(1, *), inner = first.shape[(axis + 1)...].reduce(1, *)
        let sizes = parts.map { $0.shape[axis] }
        let total = sizes.reduce(0, +)
        var out = [Float](); out.reserveCapacity(outer * total * inner)
        for o in 0..<outer {
            for (part, size) in zip(parts, sizes) {
                out.append(contentsOf: part.value.scalars[(o * size * inner)..<((o + 1) * size * inner)])
            }
        }
        var outShape = first.shape; outShape[axis] = total
        let shapes = parts.map(\.shape)
        return Variable(Tensor(uncheckedShape: outShape, scalars: out), parents: parts) { g in
            var grads = shapes.map { [Float](repeating: 0, count: $0.reduce(1, *)) }
            var offset = 0
            for o in 0..<outer {
                for (index, size) in sizes.enumerated() {
                    let chunk = size * inner
                    grads[index].replaceSubrange((o * chunk)..<((o + 1) * chunk), with: g.scalars[offset..<(offset + chunk)])
                    offset += chunk
                }
            }
            return zip(shapes, grads).map { Tensor(uncheckedShape: $0, scalars: $1) }
        }
    }
}

extension Variable {
    /// Axes reordered (see `Tensor.permuted`); the gradient is permuted back by the inverse.
    public func permuted(_ axes: [Int]) throws -> Variable {
        let out = try value.permuted(axes)
        var inverse = [Int](repeating: 0, count: axes.count)
        for (i, axis) in axes.enumerated() { inverse[axis] = i }
        return Variable(out, parents: [self]) { g in [try g.permuted(inverse)] }
    }
}
