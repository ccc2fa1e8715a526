import AviaryTensor

/// Flatten and Reshape (with a constant target shape: 0 copies a dimension, -1 is inferred).
enum ShapeImport {
    static func apply(_ node: NodeAttributes, _ x: Variable, _ inputs: [ImportedValue?]) throws -> Variable {
        try x.reshaped(to: dimensions(node, x.shape, inputs))
    }

    /// The output shape for an input of `shape`.
    static func dimensions(_ node: NodeAttributes, _ shape: [Int], _ inputs: [ImportedValue?]) throws -> [Int] {
        if node.node.opType == "Flatten" {
            try node.rejectUnknown(except: ["axis"])
            let axis = Int(try node.int("axis") ?? 1)
            let resolved = axis < 0 ? axis + shape.count : axis
            guard (0...shape.count).contains(resolved) else { throw node.unsupported("axis", "= \(axis) for rank \(shape.count)") }
            return [shape[..<resolved].reduce(1, *), shape[resolved...].reduce(1, *)]
        }
        try node.rejectUnknown(except: ["allowzero"])
        guard inputs.count > 1, let target = inputs[1] else { throw node.unsupported("shape", "is missing") }
        let allowZero = try node.int("allowzero") == 1
        var dimensions = try target.integers(node, input: node.node.input[1])
        for (axis, size) in dimensions.enumerated() where size == 0 && !allowZero {
            guard axis < shape.count else { throw node.unsupported("shape", "\(dimensions) copies axis \(axis) of a rank-\(shape.count) input") }
            dimensions[axis] = shape[axis]
        }
        if let inferred = dimensions.firstIndex(of: -1) {
            let known = dimensions.enumerated().filter { $0.offset != inferred }.reduce(1) { $0 * $1.element }
            guard known > 0 else { throw node.unsupported("shape", "\(dimensions) leaves -1 undetermined") }
            dimensions[inferred] = shape.reduce(1, *) / known
        }
        return dimensions
    }
}
