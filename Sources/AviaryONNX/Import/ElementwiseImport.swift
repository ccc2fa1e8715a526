import AviaryTensor

/// Add, Sub, Mul, Div (NumPy broadcasting, opset 7 on), Gemm and MatMul.
enum ElementwiseImport {
    static func binary(_ node: NodeAttributes, _ a: ImportedValue, _ b: ImportedValue) throws -> ImportedValue {
        try node.rejectUnknown(except: [])
        if case .constant(let x) = a, case .constant(let y) = b, HostArithmetic.integerTypes.contains(x.elementType) {
            return .constant(try HostArithmetic.apply(node.node.opType, x, y, node))
        }
        return .variable(try floatBinary(node, a, b))
    }

    private static func floatBinary(_ node: NodeAttributes, _ a: ImportedValue, _ b: ImportedValue) throws -> Variable {
        let lhs = try a.variable(node, input: node.node.input[0])
        switch node.node.opType {
        case "Add": return try lhs + b.variable(node, input: node.node.input[1])
        case "Sub": return try lhs + b.variable(node, input: node.node.input[1]).scaled(by: -1)
        case "Mul": return try lhs * b.variable(node, input: node.node.input[1])
        default:
            // The engine has no reciprocal yet: division by a constant only.
            let divisor = try b.constant(node, input: node.node.input[1])
            guard divisor.elementType == .float32 else { throw node.unsupported("input '\(node.node.input[1])'", "of element type \(divisor.elementType)") }
            return try lhs * Variable(Tensor(shape: divisor.shape, scalars: divisor.floats().map { 1 / $0 }))
        }
    }

    /// Gemm: alpha·A'·B' + beta·C. A transposed only when constant; B transposed through `linear`.
    static func gemm(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> Variable {
        guard inputs.count >= 2, let a = inputs[0], let b = inputs[1] else { throw node.unsupported("inputs", "(A and B are required)") }
        if node.node.opType == "MatMul" {
            try node.rejectUnknown(except: [])
            guard a.shape.count == 2, b.shape.count == 2 else { throw node.unsupported("inputs", "of ranks \(a.shape.count) and \(b.shape.count) (2-D only)") }
            return try a.variable(node, input: "A").matmul(b.variable(node, input: "B"))
        }
        try node.rejectUnknown(except: ["alpha", "beta", "transA", "transB"])
        var left = a
        if try node.int("transA") == 1 {
            left = .constant(try transposed(a.constant(node, input: "A"), node))
        }
        let right = try b.variable(node, input: "B")
        let product = try node.int("transB") == 1
            ? left.variable(node, input: "A").linear(weight: right)
            : left.variable(node, input: "A").matmul(right)
        var y = product.scaled(by: try node.float("alpha") ?? 1)
        if inputs.count > 2, let c = inputs[2] {
            y = try y + c.variable(node, input: "C").scaled(by: try node.float("beta") ?? 1)
        }
        return y
    }

    private static func transposed(_ array: HostArray, _ node: NodeAttributes) throws -> HostArray {
        guard array.shape.count == 2, array.elementType == .float32 else { throw node.unsupported("transA", "on a \(array)") }
        let (rows, columns) = (array.shape[0], array.shape[1])
        let values = array.floats()
        return try HostArray(shape: [columns, rows], values: (0..<(rows * columns)).map { values[($0 % rows) * columns + $0 / rows] })
    }
}
