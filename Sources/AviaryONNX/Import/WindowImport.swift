import AviaryTensor

/// Conv, MaxPool and AveragePool over 2-D images ([N, C, H, W]) and 1-D signals ([N, C, L]).
enum WindowImport {
    /// A 1-D node's window attributes as the 2-D ones of a height-1 image.
    static func oneDimensional(_ node: NodeAttributes) throws -> NodeAttributes {
        var copy = node.node
        for index in copy.attribute.indices {
            let name = copy.attribute[index].name
            let ints = copy.attribute[index].ints
            switch name {
            case "kernel_shape", "dilations", "strides", "output_shape": copy.attribute[index].ints = [1] + ints
            case "output_padding": copy.attribute[index].ints = [0] + ints
            case "pads" where ints.count == 2: copy.attribute[index].ints = [0, ints[0], 0, ints[1]]
            default: break
            }
        }
        return NodeAttributes(copy, label: node.label, opset: node.opset)
    }

    static func apply(_ node: NodeAttributes, _ x: Variable, weight: Variable?, bias: Variable?) throws -> Variable {
        let op = node.node.opType
        try checkAttributes(node)
        // 1-D windows ([N, C, L]) run as 2-D ones over [N, C, 1, L].
        if x.shape.count == 3 {
            let image = try apply(oneDimensional(node), x.reshaped(to: [x.shape[0], x.shape[1], 1, x.shape[2]]),
                                  weight: try weight.map { try $0.reshaped(to: [$0.shape[0], $0.shape[1], 1, $0.shape[2]]) }, bias: bias)
            return try image.reshaped(to: [image.shape[0], image.shape[1], image.shape[3]])
        }
        if try PoolingNDImport.handles(node, x) { return try PoolingNDImport.apply(node, x) }
        let (options, window) = try resolve(node, input: x.shape, weight: weight?.shape)
        switch op {
        case "Conv":
            guard let weight else { throw node.unsupported("W", "is missing") }
            return try x.conv2d(weight: weight, bias: bias, options: options)
        case "MaxPool":
            return try x.maxPool2d(kernel: window, options: options)
        default:
            return try x.avgPool2d(kernel: window, options: options, countIncludePad: try node.int("count_include_pad") == 1)
        }
    }

    /// Refuses attributes the window operators do not implement, naming them.
    static func checkAttributes(_ node: NodeAttributes) throws {
        var known: Set<String> = ["auto_pad", "kernel_shape", "pads", "strides", "dilations"]
        switch node.node.opType {
        case "Conv": known.insert("group")
        case "MaxPool": known.formUnion(["ceil_mode", "storage_order"])
        case "AveragePool": known.formUnion(["ceil_mode", "count_include_pad"])
        default: break
        }
        try node.rejectUnknown(except: known)
    }

    /// MaxPool's optional Indices output: flat positions in the input (N, C, H, W row-major, or
    /// H and W swapped for storage_order 1), as int64; found by the reference pooling, no gradient.
    static func maxPoolIndices(_ node: NodeAttributes, _ x: Variable) throws -> HostArray {
        guard x.shape.count == 4 else { throw node.unsupported("output Indices", "on a rank-\(x.shape.count) input (2-D only)") }
        let (options, window) = try resolve(node, input: x.shape, weight: nil)
        let (h, w) = (x.shape[2], x.shape[3])
        let geometry = try options.resolve(op: "MaxPool", inputH: h, inputW: w, kernelH: window.0, kernelW: window.1)
        let (out, argmax) = PoolingReference.maxForward(input: x.value, geometry: geometry)
        let columnMajor = try node.int("storage_order") == 1
        let indices = argmax.map { k in Int64(columnMajor ? (k / (h * w)) * h * w + (k % w) * h + (k / w) % h : k) }
        return try HostArray(shape: out.shape, values: indices)
    }

    /// Stride, pads, dilations and window size of a 2-D node.
    static func resolve(_ node: NodeAttributes, input: [Int], weight: [Int]?) throws -> (Conv2DOptions, (Int, Int)) {
        guard input.count == 4 else { throw node.unsupported("input", "of rank \(input.count) (1-D and 2-D windows only)") }
        let hasIndices = node.node.output.count > 1 && !node.node.output[1].isEmpty
        if try node.int("storage_order") == 1 && !hasIndices { throw node.unsupported("storage_order", "= 1 without Indices") }
        let kernel = try node.ints("kernel_shape") ?? weight.map { $0.suffix(2).map(Int64.init) } ?? []
        guard kernel.count == 2 else { throw node.unsupported("kernel_shape", "= \(kernel) (2-D only)") }
        let strides = try node.ints("strides") ?? [1, 1]
        let dilations = try node.ints("dilations") ?? [1, 1]
        guard strides.count == 2, dilations.count == 2 else { throw node.unsupported("strides", "/dilations not 2-D") }
        if node.node.opType == "AveragePool" && dilations != [1, 1] { throw node.unsupported("dilations", "= \(dilations)") }
        let window = (Int(kernel[0]), Int(kernel[1]))
        let spatial: [Int] = Array(input.suffix(2)), kernelSizes: [Int] = [window.0, window.1]
        let strideSizes: [Int] = strides.map { Int($0) }, dilationSizes: [Int] = dilations.map { Int($0) }
        let (begin, end) = try WindowPadding.resolve(node, input: spatial, kernel: kernelSizes, strides: strideSizes, dilations: dilationSizes)
        let padding = Conv2DPadding.explicit(top: begin[0], left: begin[1], bottom: end[0], right: end[1])
        let options = Conv2DOptions(strideH: Int(strides[0]), strideW: Int(strides[1]), padding: padding,
                                    dilationH: Int(dilations[0]), dilationW: Int(dilations[1]), groups: Int(try node.int("group") ?? 1))
        return (options, window)
    }
}
