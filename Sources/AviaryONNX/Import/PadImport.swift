import AviaryTensor

/// ONNX Pad on float data: constant, edge, reflect and wrap modes (NumPy `pad` semantics, as the
/// ONNX reference uses), pads as an attribute (before opset 11) or an input, optional `axes`
/// (opset 18). Negative pads crop, in constant mode only. Each padded axis is one index map.
enum PadImport {
    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?], _ x: Variable) throws -> Variable {
        let rank = x.shape.count
        let pads: [Int], value: Float
        var axes = Array(0..<rank)
        if node.opset < 11 {
            try node.rejectUnknown(except: ["mode", "pads", "value"])
            pads = try node.required("pads", node.ints).map { Int($0) }
            value = try node.float("value") ?? 0
        } else {
            try node.rejectUnknown(except: ["mode"])
            guard inputs.count > 1, let padInput = inputs[1] else { throw node.unsupported("pads", "are missing") }
            pads = try padInput.integers(node, input: node.node.input[1])
            if inputs.count > 2, let constant = inputs[2] {
                let array = try constant.currentValue(node, input: node.node.input[2])
                guard array.elementType == .float32, array.count == 1 else { throw node.unsupported("constant_value", "\(array) (a float32 scalar only)") }
                value = array.floats()[0]
            } else {
                value = 0
            }
            if inputs.count > 3, let axisInput = inputs[3] {
                axes = try axisInput.integers(node, input: node.node.input[3]).map { $0 < 0 ? $0 + rank : $0 }
            }
        }
        guard axes.allSatisfy({ (0..<rank).contains($0) }), Set(axes).count == axes.count, pads.count == 2 * axes.count else {
            throw node.unsupported("pads", "= \(pads) for axes \(axes) of a rank-\(rank) input")
        }
        let mode = try node.string("mode") ?? "constant"
        guard ["constant", "edge", "reflect"].contains(mode) || (mode == "wrap" && node.opset >= 19) else { throw node.unsupported("mode", "= \(mode)") }
        var maps: [ResampleAxis] = [], outside: [Int: [Bool]] = [:]
        var shape = x.shape
        for (i, axis) in axes.enumerated() {
            let (begin, end) = (pads[i], pads[axes.count + i])
            guard begin != 0 || end != 0 else { continue }
            let size = x.shape[axis], outSize = size + begin + end
            guard mode == "constant" || (begin >= 0 && end >= 0) else { throw node.unsupported("pads", "= \(pads) (negative pads in \(mode) mode)") }
            guard outSize >= 0, mode == "constant" || size > 0 else { throw node.unsupported("pads", "= \(pads) for an axis of size \(size)") }
            let sources = (0..<outSize).map { source(of: $0 - begin, size: size, mode: mode) }
            maps.append(try ResampleAxis(axis: axis, inputSize: size, indices: sources.map { $0.map { [$0] } ?? [] },
                                         weights: sources.map { $0 == nil ? [] : [1] }))
            if sources.contains(nil) { outside[axis] = sources.map { $0 == nil } }
            shape[axis] = outSize
        }
        let padded = try x.resampled(along: maps)
        guard !outside.isEmpty, value != 0 else { return padded }
        return try padded + Variable(try OutsideFill.tensor(shape: shape, outside: outside, value: value))
    }

    /// The input index an output index reads, or nil for the constant.
    static func source(of position: Int, size: Int, mode: String) -> Int? {
        if (0..<size).contains(position) { return position }
        switch mode {
        case "edge": return min(max(position, 0), size - 1)
        case "wrap": return ((position % size) + size) % size
        case "reflect":
            guard size > 1 else { return 0 }
            let period = 2 * (size - 1)
            let folded = ((position % period) + period) % period
            return folded < size ? folded : period - folded
        default: return nil
        }
    }
}
