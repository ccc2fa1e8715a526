import AviaryTensor

/// The operators the importer runs, each checking its attributes and refusing what it does not
/// implement (by node, operator, opset and attribute) rather than computing something else.
enum ONNXOperators {
    static let supported = Set<String>([
        "Identity", "Dropout", "Constant", "Relu", "Sigmoid", "Clip", "HardSigmoid", "HardSwish", "Add", "Sub", "Mul", "Div",
        "Conv", "MaxPool", "AveragePool", "GlobalAveragePool", "BatchNormalization", "Flatten", "Reshape", "Gemm", "MatMul",
        "Concat", "Softmax", "ReduceMean", "ConvTranspose", "Resize", "Pad", "Transpose",
    ]).union(ShapeFolding.operators)

    /// Opsets 23 to 25 changed no operator above except to admit new element types (FLOAT4E2M1,
    /// FLOAT8E8M0, INT2/UINT2), which the loader refuses, and Cast's `round_mode` for FLOAT8E8M0,
    /// which Cast refuses as an unknown attribute; so they import with the same rules.
    static let opsets: ClosedRange<Int64> = 7...25

    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> [ImportedValue] {
        func input(_ index: Int) throws(ONNXImportError) -> ImportedValue {
            guard index < inputs.count, let value = inputs[index] else {
                throw node.unsupported("input \(index)", "is missing")
            }
            return value
        }
        func x(_ index: Int = 0) throws -> Variable { try input(index).variable(node, input: node.node.input[index]) }
        func one(_ variable: Variable) -> [ImportedValue] { [.variable(variable)] }
        switch node.node.opType {
        case "Identity":
            try node.rejectUnknown(except: [])
            return [try input(0)]
        case "Flatten" where isHostData(inputs), "Reshape" where isHostData(inputs):
            guard case .constant(let array)? = inputs[0] else { throw node.unsupported("input 0", "is missing") }
            return [.constant(try array.reshaped(ShapeImport.dimensions(node, array.shape, inputs)))]
        case "Transpose" where isHostData(inputs):
            guard case .constant(let array)? = inputs[0] else { throw node.unsupported("input 0", "is missing") }
            return [.constant(try HostGather.permuted(array, transposition(node, rank: array.shape.count)))]
        case "Dropout":
            // Inference: identity, and a mask that keeps everything.
            try node.rejectUnknown(except: ["ratio", "seed"])
            // Training mode with ratio 0 drops nothing, so it is the identity too.
            if inputs.count > 2, let training = inputs[2], try training.currentValue(node, input: "training_mode").floats().first != 0 {
                let ratio = inputs.count > 1 ? try inputs[1]?.currentValue(node, input: "ratio").floats().first ?? 0.5 : 0.5
                guard ratio == 0 else { throw node.unsupported("training_mode", "= true with ratio \(ratio) (random masks are not reproduced)") }
            }
            let data = try input(0)
            let mask = try HostArray(shape: data.shape, values: [Bool](repeating: true, count: data.shape.reduce(1, *)))
            return [data, .constant(mask)]
        case "Relu":
            return one(try x().relu())
        case "Sigmoid":
            return one(try x().sigmoid())
        case "HardSwish":
            return one(try x().hardSwish())
        case "HardSigmoid":
            try node.rejectUnknown(except: ["alpha", "beta"])
            let alpha = try node.float("alpha") ?? 0.2, beta = try node.float("beta") ?? 0.5
            let shifted = try x().scaled(by: alpha) + Variable(Tensor(scalar: beta))
            return one(shifted.clip(min: 0, max: 1))
        case "Clip" where IntegerHostOps.applies(to: inputs.first ?? nil), "MaxPool" where IntegerHostOps.applies(to: inputs.first ?? nil):
            return [try IntegerHostOps.apply(node, inputs) { node, inputs in try apply(node, inputs) }]
        case "Clip":
            return one(try clip(node, inputs, x()))
        case "Add", "Sub", "Mul", "Div":
            return [try ElementwiseImport.binary(node, input(0), input(1))]
        case "ConvTranspose":
            return one(try ConvTransposeImport.apply(node, x(), weight: x(1), bias: inputs.count > 2 && inputs[2] != nil ? try x(2) : nil))
        case "Resize":
            return one(try ResizeImport.apply(node, inputs, x()))
        case "Pad":
            return [try PadImport.apply(node, inputs)]
        case "Transpose":
            let input = try x()
            return one(try input.permuted(transposition(node, rank: input.shape.count)))
        case "MaxPool" where node.node.output.count > 1 && !node.node.output[1].isEmpty:
            let input = try x()
            return [.variable(try WindowImport.apply(node, input, weight: nil, bias: nil)), .constant(try WindowImport.maxPoolIndices(node, input))]
        case "Conv", "MaxPool", "AveragePool":
            return one(try WindowImport.apply(node, x(), weight: node.node.opType == "Conv" ? try x(1) : nil,
                                              bias: inputs.count > 2 && inputs[2] != nil ? try x(2) : nil))
        case "GlobalAveragePool":
            return one(try x().globalAvgPool2d())
        case "BatchNormalization":
            return try BatchNormImport.apply(node, inputs, x())
        case "Flatten", "Reshape":
            return one(try ShapeImport.apply(node, x(), inputs))
        case "ReduceMean":
            return one(try ReduceMeanImport.apply(node, x(), inputs))
        case "Gemm", "MatMul":
            return one(try ElementwiseImport.gemm(node, inputs))
        case "Cast" where inputs.first??.isVariable == true:
            // Float activations stay Float32; casting them elsewhere is refused.
            guard try node.int("to") == 1 else { throw node.unsupported("to", "≠ FLOAT on computed data") }
            return [try input(0)]
        case let op where ShapeFolding.operators.contains(op):
            return [.constant(try ShapeFolding.apply(node, inputs))]
        case "Concat" where inputs.allSatisfy({ $0?.isVariable == false }):
            return [.constant(try ConcatFolding.apply(node, inputs))]
        case "Concat":
            try node.rejectUnknown(except: ["axis"])
            let parts = try inputs.indices.map { index throws in try x(index) }
            let rank = parts.first?.shape.count ?? 0
            let axis = try node.required("axis", node.int)
            return one(try Variable.concat(parts, axis: Int(axis) < 0 ? Int(axis) + rank : Int(axis)))
        case "Softmax":
            try node.rejectUnknown(except: ["axis"])
            let input = try x()
            let rank = input.shape.count
            let axis = Int(try node.int("axis") ?? (node.opset >= 13 ? -1 : 1))
            let resolved = axis < 0 ? axis + rank : axis
            // Before opset 13 Softmax flattened everything from `axis` on; the same only on the last axis.
            guard node.opset >= 13 || resolved == rank - 1 else { throw node.unsupported("axis", "= \(axis) before opset 13 (only the last axis)") }
            return one(try input.softmax(axis: resolved))
        default:
            throw ONNXImportError.unsupportedOperator(node: node.label, op: node.node.opType, domain: node.node.domain, opset: node.opset)
        }
    }

    /// Bounds are attributes before opset 11 and optional constant inputs from then on.
    static func clip(_ node: NodeAttributes, _ inputs: [ImportedValue?], _ x: Variable) throws -> Variable {
        var low = -Float.infinity, high = Float.infinity
        if node.opset < 11 {
            try node.rejectUnknown(except: ["min", "max"])
            low = try node.float("min") ?? low
            high = try node.float("max") ?? high
        } else {
            try node.rejectUnknown(except: [])
            if inputs.count > 1, let bound = inputs[1] { low = try scalar(bound.currentValue(node, input: "min"), node) ?? low }
            if inputs.count > 2, let bound = inputs[2] { high = try scalar(bound.currentValue(node, input: "max"), node) ?? high }
        }
        return x.clip(min: low, max: high)
    }

    /// Non-float host constants (shapes, pads, masks) stay on the host through data movement.
    static func isHostData(_ inputs: [ImportedValue?]) -> Bool {
        guard case .constant(let array)? = inputs.first ?? nil else { return false }
        return array.elementType != .float32
    }

    /// Transpose's `perm`, by default the axes reversed.
    static func transposition(_ node: NodeAttributes, rank: Int) throws -> [Int] {
        try node.rejectUnknown(except: ["perm"])
        let perm = try node.ints("perm")?.map { Int($0) } ?? Array((0..<rank).reversed())
        guard perm.sorted() == Array(0..<rank) else { throw node.unsupported("perm", "= \(perm) for rank \(rank)") }
        return perm
    }

    /// A bound of Clip: a float32 scalar, or an empty input meaning none.
    static func scalar(_ array: HostArray, _ node: NodeAttributes) throws -> Float? {
        guard array.count <= 1, array.elementType == .float32 else { throw node.unsupported("bounds", "\(array) (float32 scalars only)") }
        return array.floats().first
    }
}
