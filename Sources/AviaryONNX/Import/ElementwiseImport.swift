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
        default: return try lhs / b.variable(node, input: node.node.input[1])
        }
    }

    /// Gemm: alpha·A'·B' + beta·C, B transposed through `linear`. MatMul: `numpy.matmul`, vectors
    /// promoted to matrices and the promoted axis dropped again, batch axes broadcast.
    static func gemm(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> Variable {
        guard inputs.count >= 2, let a = inputs[0], let b = inputs[1] else { throw node.unsupported("inputs", "(A and B are required)") }
        if node.node.opType == "MatMul" {
            try node.rejectUnknown(except: [])
            let (left, right) = (try a.variable(node, input: "A"), try b.variable(node, input: "B"))
            guard left.shape.count >= 1, right.shape.count >= 1 else { throw node.unsupported("inputs", "of rank 0") }
            if left.shape.count == 2, right.shape.count == 2 { return try left.matmul(right) }
            let matrixA = left.shape.count == 1 ? try left.reshaped(to: [1, left.shape[0]]) : left
            let matrixB = right.shape.count == 1 ? try right.reshaped(to: [right.shape[0], 1]) : right
            guard matrixA.shape.last == matrixB.shape.dropLast().last else { throw node.unsupported("inputs", "of shapes \(left.shape) and \(right.shape)") }
            let product = try matrixA.batchedMatmul(matrixB)
            var shape = product.shape
            if right.shape.count == 1 { shape.removeLast() }
            if left.shape.count == 1 { shape.remove(at: shape.count - (right.shape.count == 1 ? 1 : 2)) }
            return shape == product.shape ? product : try product.reshaped(to: shape)
        }
        try node.rejectUnknown(except: ["alpha", "beta", "transA", "transB"])
        var left = try a.variable(node, input: "A")
        guard left.shape.count == 2, b.shape.count == 2 else { throw node.unsupported("inputs", "of shapes \(a.shape) and \(b.shape) (matrices only)") }
        if try node.int("transA") == 1 { left = try left.permuted([1, 0]) }
        let right = try b.variable(node, input: "B")
        let product = try node.int("transB") == 1 ? left.linear(weight: right) : left.matmul(right)
        var y = product.scaled(by: try node.float("alpha") ?? 1)
        if inputs.count > 2, let c = inputs[2] {
            y = try y + c.variable(node, input: "C").scaled(by: try node.float("beta") ?? 1)
        }
        return y
    }
}
