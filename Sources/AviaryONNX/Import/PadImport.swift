import AviaryTensor

/// ONNX Pad: constant, edge, reflect and wrap modes (NumPy `pad` semantics, as the ONNX reference
/// uses), pads as an attribute (before opset 11) or an input, optional `axes` (opset 18).
/// Negative pads crop, in constant mode only. On float data each padded axis is one index map of
/// `resampled(along:)` (differentiable); other element types are moved on the host, byte for byte.
enum PadImport {
    static func apply(_ node: NodeAttributes, _ inputs: [ImportedValue?]) throws -> ImportedValue {
        guard let data = inputs.first ?? nil else { throw node.unsupported("input 0", "is missing") }
        let rank = data.shape.count
        let pads: [Int]
        var fill: HostArray?
        var axes = Array(0..<rank)
        if node.opset < 11 {
            try node.rejectUnknown(except: ["mode", "pads", "value"])
            pads = try node.required("pads", node.ints).map { Int($0) }
            let value = try node.float("value") ?? 0
            fill = value == 0 ? nil : try HostArray(shape: [], values: [value])
        } else {
            try node.rejectUnknown(except: ["mode"])
            guard inputs.count > 1, let padInput = inputs[1] else { throw node.unsupported("pads", "are missing") }
            pads = try padInput.integers(node, input: node.node.input[1])
            if inputs.count > 2, let constant = inputs[2] {
                fill = try constant.currentValue(node, input: node.node.input[2])
                guard fill?.count == 1 else { throw node.unsupported("constant_value", "\(fill!) (a scalar only)") }
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
        var sources: [Int: [Int?]] = [:]
        var shape = data.shape
        for (i, axis) in axes.enumerated() {
            let (begin, end) = (pads[i], pads[axes.count + i])
            guard begin != 0 || end != 0 else { continue }
            let size = data.shape[axis], outSize = size + begin + end
            guard mode == "constant" || (begin >= 0 && end >= 0) else { throw node.unsupported("pads", "= \(pads) (negative pads in \(mode) mode)") }
            guard outSize >= 0, mode == "constant" || size > 0 else { throw node.unsupported("pads", "= \(pads) for an axis of size \(size)") }
            sources[axis] = (0..<outSize).map { source(of: $0 - begin, size: size, mode: mode) }
            shape[axis] = outSize
        }
        switch data {
        case .constant(let array) where array.elementType != .float32:
            if let fill, fill.elementType != array.elementType { throw node.unsupported("constant_value", "of element type \(fill.elementType) for \(array.elementType) data") }
            return .constant(try HostGather.take(array, HostGather.alongAxes(array.shape, sources, outShape: shape), shape: shape, fill: fill?.bytes))
        default:
            if let fill, fill.elementType != .float32 { throw node.unsupported("constant_value", "of element type \(fill.elementType) for float data") }
            let x = try data.variable(node, input: node.node.input[0])
            let maps = try sources.keys.sorted().map { axis in
                try ResampleAxis(axis: axis, inputSize: x.shape[axis], indices: sources[axis]!.map { $0.map { [$0] } ?? [] },
                                 weights: sources[axis]!.map { $0 == nil ? [] : [1] })
            }
            let padded = try x.resampled(along: maps)
            let value = fill?.floats().first ?? 0
            let outside = sources.filter { $0.value.contains(nil) }.mapValues { $0.map { $0 == nil } }
            guard !outside.isEmpty, value != 0 else { return .variable(padded) }
            return .variable(try padded + Variable(try OutsideFill.tensor(shape: shape, outside: outside, value: value)))
        }
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
