import AviaryTensor

/// MaxPool and AveragePool over 3 or more spatial axes, and the 2-D cases the oneDNN-backed 2-D
/// path does not cover (AveragePool with dilations, or with count_include_pad and ceil_mode),
/// on the engine's N-D reference pooling.
enum PoolingNDImport {
    static func handles(_ node: NodeAttributes, _ x: Variable) throws -> Bool {
        guard node.node.opType == "MaxPool" || node.node.opType == "AveragePool" else { return false }
        if x.shape.count >= 5 { return true }
        guard x.shape.count == 4, node.node.opType == "AveragePool" else { return false }
        let dilated = try node.ints("dilations").map { $0.contains { $0 != 1 } } ?? false
        let ceilMode = try node.int("ceil_mode") == 1, includePad = try node.int("count_include_pad") == 1
        return dilated || (ceilMode && includePad)
    }

    static func apply(_ node: NodeAttributes, _ x: Variable) throws -> Variable {
        let spatial = Array(x.shape.dropFirst(2)), k = spatial.count
        guard node.node.output.count < 2 || node.node.output[1].isEmpty else { throw node.unsupported("output Indices", "with \(k) spatial axes (2-D only)") }
        if try node.int("storage_order") == 1 { throw node.unsupported("storage_order", "= 1 with \(k) spatial axes") }
        func values(_ name: String, count: Int, fallback: Int) throws -> [Int] {
            let given = try node.ints(name)?.map { Int($0) } ?? [Int](repeating: fallback, count: count)
            guard given.count == count else { throw node.unsupported(name, "= \(given) for \(k) spatial axes") }
            return given
        }
        let kernel = try values("kernel_shape", count: k, fallback: 0)
        let strides = try values("strides", count: k, fallback: 1), dilations = try values("dilations", count: k, fallback: 1)
        var pads = try values("pads", count: 2 * k, fallback: 0)
        let ceilMode = try node.int("ceil_mode") == 1
        switch try node.string("auto_pad") ?? "NOTSET" {
        case "NOTSET": break
        case "VALID": pads = [Int](repeating: 0, count: 2 * k)
        case let same where same == "SAME_UPPER" || same == "SAME_LOWER":
            guard !ceilMode else { throw node.unsupported("ceil_mode", "= 1 with auto_pad \(same)") }
            for axis in 0..<k {
                let out = (spatial[axis] + strides[axis] - 1) / strides[axis]
                let total = max((out - 1) * strides[axis] + (kernel[axis] - 1) * dilations[axis] + 1 - spatial[axis], 0)
                (pads[axis], pads[k + axis]) = same == "SAME_UPPER" ? (total / 2, total - total / 2) : (total - total / 2, total / 2)
            }
        case let other: throw node.unsupported("auto_pad", "= \(other)")
        }
        let window = PoolingWindow(kernel: kernel, strides: strides, dilations: dilations,
                                   padBegin: Array(pads.prefix(k)), padEnd: Array(pads.suffix(k)), ceilMode: ceilMode)
        return node.node.opType == "MaxPool"
            ? try x.maxPool(window: window)
            : try x.avgPool(window: window, countIncludePad: try node.int("count_include_pad") == 1)
    }
}
