/// The shape-only operators exporters put in front of Reshape and Pad (Shape, Gather, Unsqueeze,
/// Concat, Cast, Slice, ConstantOfShape), computed on host constants. The graph runs eagerly, so a
/// Shape's input size is known when it is reached and the whole subgraph folds to a constant
/// before Reshape reads it. Data that is not a host constant (activations) is refused: these are for shapes, not tensors.
enum ShapeFolding {
    static let operators: Set<String> = ["Shape", "Gather", "Unsqueeze", "Cast", "Slice", "ConstantOfShape"]

    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws(ONNXImportError) -> HostArray {
        guard let first = inputs.first ?? nil else { throw node.unsupported("input 0", "is missing") }
        let name = node.node.input[0]
        switch node.node.opType {
        case "Shape":
            try node.rejectUnknown(except: ["start", "end"])
            let shape = first.shape.map(Int64.init)
            let rank = shape.count
            func clamp(_ value: Int64?, _ fallback: Int) -> Int { min(max(value.map { Int($0) < 0 ? Int($0) + rank : Int($0) } ?? fallback, 0), rank) }
            let (start, end) = (clamp(try node.int("start"), 0), clamp(try node.int("end"), rank))
            return try host(node) { try HostArray(shape: [max(0, end - start)], values: Array(shape[start..<max(start, end)])) }
        case "Cast":
            try node.rejectUnknown(except: ["to", "saturate"])
            let to = try node.required("to", node.int)
            guard let type = ElementType(onnxDataType: Int32(truncatingIfNeeded: to)) else { throw node.unsupported("to", "= \(ElementType.onnxName(of: Int32(truncatingIfNeeded: to)))") }
            return try cast(try first.constant(node, input: name), to: type, node)
        case "Gather":
            try node.rejectUnknown(except: ["axis"])
            let data = try integerVector(first, name, node)
            guard try (node.int("axis") ?? 0) == 0 else { throw node.unsupported("axis", "≠ 0 on shape data") }
            guard inputs.count > 1, let indexValue = inputs[1] else { throw node.unsupported("indices", "are missing") }
            let indices = try indexValue.integers(node, input: node.node.input[1])
            let picked = try indices.map { index throws(ONNXImportError) -> Int64 in
                let resolved = index < 0 ? index + data.count : index
                guard data.indices.contains(resolved) else { throw node.unsupported("indices", "\(indices) out of range for \(data.count) values") }
                return data[resolved]
            }
            return try host(node) { try HostArray(shape: indexValue.shape, values: picked) }
        case "Unsqueeze":
            try node.rejectUnknown(except: ["axes"])
            let array = try first.constant(node, input: name)
            let axes = node.opset >= 13
                ? try (inputs.count > 1 ? inputs[1] : nil)?.integers(node, input: node.node.input[1]) ?? []
                : (try node.ints("axes") ?? []).map { Int($0) }
            var shape = array.shape
            let rank = shape.count + axes.count
            for axis in axes.map({ $0 < 0 ? $0 + rank : $0 }).sorted() {
                guard (0...shape.count).contains(axis) else { throw node.unsupported("axes", "\(axes) for rank \(array.shape.count)") }
                shape.insert(1, at: axis)
            }
            return try host(node) { try array.reshaped(shape) }
        case "ConstantOfShape":
            try node.rejectUnknown(except: ["value"])
            let shape = try first.integers(node, input: name)
            var value = try host(node) { try HostArray(shape: [1], values: [Float(0)]) }
            if let given = try node.tensor("value") { value = given }
            guard value.count == 1, shape.allSatisfy({ $0 >= 0 }) else { throw node.unsupported("value", "\(value) for shape \(shape)") }
            return try host(node) { try HostGather.take(value, [Int?](repeating: 0, count: shape.reduce(1, *)), shape: shape) }
        default:  // Slice: any rank, axes and steps
            try node.rejectUnknown(except: node.opset < 10 ? ["starts", "ends", "axes"] : [])
            let array = try first.constant(node, input: name)
            func bounds(_ index: Int, _ attribute: String) throws(ONNXImportError) -> [Int]? {
                if node.opset < 10 { return try node.ints(attribute)?.map { Int($0) } }
                guard index < inputs.count, let value = inputs[index] else { return nil }
                return try value.integers(node, input: node.node.input[index])
            }
            guard let starts = try bounds(1, "starts"), let ends = try bounds(2, "ends") else { throw node.unsupported("starts/ends", "are missing") }
            let rank = array.shape.count
            let axes = (try bounds(3, "axes") ?? Array(0..<starts.count)).map { $0 < 0 ? $0 + rank : $0 }
            let steps = try bounds(4, "steps") ?? [Int](repeating: 1, count: starts.count)
            guard ends.count == starts.count, axes.count == starts.count, steps.count == starts.count, !steps.contains(0),
                  axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == axes.count else {
                throw node.unsupported("starts/ends/axes/steps", "\(starts)/\(ends)/\(axes)/\(steps) for rank \(rank)")
            }
            var maps: [Int: [Int?]] = [:], shape = array.shape
            for (i, axis) in axes.enumerated() {
                let size = array.shape[axis], step = steps[i]
                var (start, end) = (starts[i] < 0 ? starts[i] + size : starts[i], ends[i] < 0 ? ends[i] + size : ends[i])
                (start, end) = step > 0 ? (min(max(start, 0), size), min(max(end, 0), size)) : (min(max(start, 0), size - 1), min(max(end, -1), size - 1))
                let picked = Array(stride(from: start, to: end, by: step))
                maps[axis] = picked
                shape[axis] = picked.count
            }
            return try host(node) { try HostGather.take(array, HostGather.alongAxes(array.shape, maps, outShape: shape), shape: shape) }
        }
    }

    private static func integerVector(_ value: ImportedValue, _ name: String, _ node: NodeAttributes) throws(ONNXImportError) -> [Int64] {
        let array = try value.constant(node, input: name)
        guard array.shape.count <= 1 else { throw node.unsupported("input '\(name)'", "of shape \(array.shape) (shape vectors only)") }
        return try value.integers(node, input: name).map(Int64.init)
    }

    /// Integer and float conversions of host constants; float to integer truncates toward zero.
    static func cast(_ array: HostArray, to type: ElementType, _ node: NodeAttributes) throws(ONNXImportError) -> HostArray {
        if array.elementType == type { return array }
        let integers = HostArithmetic.integerTypes
        if integers.contains(array.elementType) && integers.contains(type) {
            return HostArithmetic.pack(HostArithmetic.bitPatterns(array), as: type, shape: array.shape)
        }
        if type == .float32 { return try host(node) { try HostArray(shape: array.shape, values: array.floats()) } }
        if integers.contains(type) && array.elementType.isFloatingPoint {
            let truncated = array.floats().map { UInt64(bitPattern: Int64($0.rounded(.towardZero))) }
            return HostArithmetic.pack(truncated, as: type, shape: array.shape)
        }
        throw node.unsupported("to", "= \(type) from \(array.elementType)")
    }

    private static func host(_ node: NodeAttributes, _ make: () throws -> HostArray) throws(ONNXImportError) -> HostArray {
        do { return try make() } catch { throw node.unsupported("result", "(\(error))") }
    }
}
