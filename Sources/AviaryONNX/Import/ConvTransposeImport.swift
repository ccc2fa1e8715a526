import AviaryTensor

/// ONNX ConvTranspose over 2-D images and 1-D signals: strides, pads, dilations, group,
/// output_padding, output_shape and auto_pad resolved to explicit pads plus bottom/right output
/// padding, following ONNX's reference (a larger output_shape extends the end; SAME splits the
/// total padding with the extra pixel at the end for SAME_UPPER, the start for SAME_LOWER).
enum ConvTransposeImport {
    static func apply(_ node: NodeAttributes, _ x: Variable, weight: Variable, bias: Variable?) throws -> Variable {
        try node.rejectUnknown(except: ["auto_pad", "dilations", "group", "kernel_shape", "output_padding", "output_shape", "pads", "strides"])
        if x.shape.count == 3, weight.shape.count == 3 {
            let image = try apply(WindowImport.oneDimensional(node), x.reshaped(to: [x.shape[0], x.shape[1], 1, x.shape[2]]),
                                  weight: weight.reshaped(to: [weight.shape[0], weight.shape[1], 1, weight.shape[2]]), bias: bias)
            return try image.reshaped(to: [image.shape[0], image.shape[1], image.shape[3]])
        }
        guard x.shape.count == 4, weight.shape.count == 4 else { throw node.unsupported("input", "of rank \(x.shape.count) (1-D and 2-D only)") }
        let input = Array(x.shape.suffix(2)), kernel = Array(weight.shape.suffix(2))
        if let declared = try node.ints("kernel_shape"), declared.map({ Int($0) }) != kernel {
            throw node.unsupported("kernel_shape", "= \(declared) for weights of shape \(weight.shape)")
        }
        func pair(_ name: String, _ fallback: Int) throws -> [Int] {
            let values = try node.ints(name)?.map { Int($0) } ?? [fallback, fallback]
            guard values.count == 2 else { throw node.unsupported(name, "= \(values) (2 values for 2-D)") }
            return values
        }
        let strides = try pair("strides", 1), dilations = try pair("dilations", 1)
        var outputPadding = try pair("output_padding", 0)
        let extent = (0..<2).map { (kernel[$0] - 1) * dilations[$0] + 1 }
        var requested = try node.ints("output_shape")?.map { Int($0) }
        if let shape = requested, shape.count == 4 { requested = Array(shape.suffix(2)) }
        if let shape = requested, shape.count != 2 { throw node.unsupported("output_shape", "= \(shape)") }
        var begin = [0, 0], end = [0, 0]
        switch try node.string("auto_pad") ?? "NOTSET" {
        case let same where same == "SAME_UPPER" || same == "SAME_LOWER":
            for axis in 0..<2 {
                let total = strides[axis] * (input[axis] - 1) + outputPadding[axis] + extent[axis] - (requested?[axis] ?? input[axis] * strides[axis])
                let half = Int((Double(total) / 2).rounded(.down))
                (begin[axis], end[axis]) = same == "SAME_UPPER" ? (half, total - half) : (total - half, half)
            }
        case let mode where mode == "NOTSET" || mode == "VALID":
            if mode == "NOTSET", let pads = try node.ints("pads")?.map({ Int($0) }) {
                guard pads.count == 4 else { throw node.unsupported("pads", "= \(pads)") }
                (begin, end) = ([pads[0], pads[1]], [pads[2], pads[3]])
            }
            if let requested {
                for axis in 0..<2 {
                    let natural = strides[axis] * (input[axis] - 1) + outputPadding[axis] + extent[axis] - begin[axis] - end[axis]
                    end[axis] -= requested[axis] - natural
                }
            }
        case let other: throw node.unsupported("auto_pad", "= \(other)")
        }
        // A negative end pad is more output at the end: output padding.
        for axis in 0..<2 where end[axis] < 0 {
            outputPadding[axis] -= end[axis]
            end[axis] = 0
        }
        guard begin.allSatisfy({ $0 >= 0 }) else { throw node.unsupported("pads", "(a negative start pad \(begin))") }
        guard (0..<2).allSatisfy({ (0..<max(strides[$0], dilations[$0])).contains(outputPadding[$0]) }) else {
            throw node.unsupported("output_padding", "= \(outputPadding) (must be below the stride)")
        }
        let options = Conv2DOptions(strideH: strides[0], strideW: strides[1], padding: .explicit(top: begin[0], left: begin[1], bottom: end[0], right: end[1]),
                                    dilationH: dilations[0], dilationW: dilations[1], groups: Int(try node.int("group") ?? 1))
        return try x.convTranspose2d(weight: weight, bias: bias, options: options, outputPadding: (outputPadding[0], outputPadding[1]))
    }
}
