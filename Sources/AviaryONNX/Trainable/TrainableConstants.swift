/// Which of a graph's constants an `ImportedModule` trains. ONNX does not mark weights, so the
/// role comes from the consumers: a float tensor read only where the importer computes on it as
/// data (a Conv kernel, a Gemm matrix, a bias added on) becomes a parameter; one read only as
/// BatchNormalization's mean or variance becomes a buffer; everything else (shapes, axes, Clip
/// bounds, Resize scales, the scalars of a decomposed hard-swish) stays a constant, because the
/// importers read those on the host, where no gradient can reach.
enum TrainableConstants {
    enum Role: Equatable { case parameter, buffer }

    /// Input positions that receive float data through engine ops, by operator. Scalar operands of
    /// elementwise ops (the 3 and 6 of x·relu6(x+3)/6) are constants of the formula, not weights.
    static let positions: [String: (parameter: Set<Int>, buffer: Set<Int>, minimumCount: Int)] = [
        "Conv": ([1, 2], [], 1),
        "ConvTranspose": ([1, 2], [], 1),
        "Gemm": ([0, 1, 2], [], 1),
        "MatMul": ([0, 1], [], 1),
        "BatchNormalization": ([1, 2], [3, 4], 1),
        "Add": ([0, 1], [], 2),
        "Sub": ([0, 1], [], 2),
        "Mul": ([0, 1], [], 2),
        "Div": ([0, 1], [], 2),
        "Reshape": ([0], [], 2),
        "Flatten": ([0], [], 2),
        "Transpose": ([0], [], 2),
    ]

    /// The role of every float32 constant of `nodes` that has one, by value name.
    static func roles(of nodes: [Onnx_NodeProto], constants: [String: HostArray]) -> [String: Role] {
        var roles: [String: Role?] = [:]
        for node in nodes where node.opType != "Constant" {
            for (position, name) in node.input.enumerated() where !name.isEmpty {
                guard let array = constants[name], array.elementType == .float32 else { continue }
                let role = role(op: node.opType, position: position, count: array.count)
                // Every reader must agree: a weight also read as a shape stays a constant.
                if let previous = roles[name] { roles[name] = .some(previous == role ? role : nil) } else { roles[name] = .some(role) }
            }
        }
        return roles.compactMapValues { $0 }
    }

    static func role(op: String, position: Int, count: Int) -> Role? {
        guard let entry = positions[op], count >= entry.minimumCount else { return nil }
        if entry.parameter.contains(position) { return .parameter }
        if entry.buffer.contains(position) { return .buffer }
        return nil
    }
}
