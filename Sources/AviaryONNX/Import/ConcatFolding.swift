/// Concat of host constants along axis 0 of vectors — the shape vectors exporters assemble for
/// Reshape — cast to a common integer type when Cast left them differing.
enum ConcatFolding {
    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws(ONNXImportError) -> HostArray {
        try node.rejectUnknown(except: ["axis"])
        let axis = try node.required("axis", node.int)
        var values: [Int64] = []
        for (index, value) in inputs.enumerated() {
            guard let value else { throw node.unsupported("input \(index)", "is missing") }
            guard value.shape.count == 1, axis == 0 || axis == -1 else { throw node.unsupported("axis", "= \(axis) on constants of shape \(value.shape) (shape vectors only)") }
            values += try value.integers(node, input: node.node.input[index]).map(Int64.init)
        }
        guard case .constant(let head)? = inputs.first ?? nil else {
            throw node.unsupported("inputs", "are empty")
        }
        let joined = HostArithmetic.pack(values.map { UInt64(bitPattern: $0) }, as: .int64, shape: [values.count])
        return try ShapeFolding.cast(joined, to: head.elementType, node)
    }
}
