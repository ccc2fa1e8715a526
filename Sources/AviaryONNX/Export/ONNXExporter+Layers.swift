import AviaryNN

/// The ONNX form of each built-in layer.
extension ONNXExporter {
    mutating func emitConv(_ conv: Conv2d, _ input: ONNXExportValue, path: String) throws(ONNXExportError) -> ONNXExportValue {
        try Self.requireRank(4, input, path: path, type: "Conv2d")
        let shape = conv.weight.value.shape
        let options = conv.options
        guard input.shape[1] == shape[1] * options.groups else {
            throw .shapeMismatch(path: path, type: "Conv2d", detail: "\(input.shape[1]) input channels, the weight expects \(shape[1] * options.groups)")
        }
        let geometry = try Self.geometry(options, kernel: (shape[2], shape[3]), input, path: path, type: "Conv2d")
        var attributes = Self.windowAttributes(options, kernel: (shape[2], shape[3]))
        attributes["dilations"] = .ints([Int64(options.dilationH), Int64(options.dilationW)])
        attributes["group"] = .int(Int64(options.groups))
        let inputs = [input.name, initializer(Self.join(path, "weight"), conv.weight.value)]
            + (conv.bias.map { [initializer(Self.join(path, "bias"), $0.value)] } ?? [])
        return node("Conv", inputs, path: path, attributes: attributes, shape: [input.shape[0], shape[0], geometry.outputH, geometry.outputW])
    }

    /// Inference form: running statistics as inputs; ONNX's momentum is 1 − PyTorch's.
    mutating func emitBatchNorm(_ norm: BatchNorm2d, _ input: ONNXExportValue, path: String) throws(ONNXExportError) -> ONNXExportValue {
        guard input.shape.count >= 2, input.shape[1] == norm.weight.value.count else {
            throw .shapeMismatch(path: path, type: "BatchNorm2d", detail: "input \(input.shape) for \(norm.weight.value.count) channels")
        }
        let inputs = [input.name] + [("weight", norm.weight.value), ("bias", norm.bias.value),
                                     ("running_mean", norm.runningMean.value), ("running_var", norm.runningVar.value)]
            .map { initializer(Self.join(path, $0.0), $0.1) }
        return node("BatchNormalization", inputs, path: path,
                    attributes: ["epsilon": .float(norm.epsilon), "momentum": .float(1 - norm.momentum)], shape: input.shape)
    }

    mutating func emitLinear(_ linear: Linear, _ input: ONNXExportValue, path: String) throws(ONNXExportError) -> ONNXExportValue {
        let shape = linear.weight.value.shape
        guard input.shape.count == 2, input.shape[1] == shape[1] else {
            throw .shapeMismatch(path: path, type: "Linear", detail: "input \(input.shape) for \(shape[1]) features (Gemm needs [N, features]; add a Flatten)")
        }
        let inputs = [input.name, initializer(Self.join(path, "weight"), linear.weight.value)]
            + (linear.bias.map { [initializer(Self.join(path, "bias"), $0.value)] } ?? [])
        return node("Gemm", inputs, path: path, attributes: ["alpha": .float(1), "beta": .float(1), "transB": .int(1)],
                    shape: [input.shape[0], shape[0]])
    }

    /// Opset 13 has no HardSwish, so it is x · HardSigmoid(x), and SiLU x · Sigmoid(x).
    mutating func emitActivation(_ kind: Activation, _ input: ONNXExportValue, path: String) throws(ONNXExportError) -> ONNXExportValue {
        let hardSigmoid: [String: ONNXModelBuilder.Attribute] = ["alpha": .float(1.0 / 6.0), "beta": .float(0.5)]
        switch kind {
        case .relu: return node("Relu", [input.name], path: path, shape: input.shape)
        case .sigmoid: return node("Sigmoid", [input.name], path: path, shape: input.shape)
        case .hardSigmoid: return node("HardSigmoid", [input.name], path: path, attributes: hardSigmoid, shape: input.shape)
        case let .clip(lo, hi):
            let bounds = [initializer(Self.join(path, "min"), Tensor(scalar: lo)), initializer(Self.join(path, "max"), Tensor(scalar: hi))]
            return node("Clip", [input.name] + bounds, path: path, shape: input.shape)
        case .hardSwish:
            let gate = node("HardSigmoid", [input.name], path: path, attributes: hardSigmoid, shape: input.shape)
            return node("Mul", [input.name, gate.name], path: path, shape: input.shape)
        case .silu:
            let gate = node("Sigmoid", [input.name], path: path, shape: input.shape)
            return node("Mul", [input.name, gate.name], path: path, shape: input.shape)
        }
    }

    mutating func emitPool(_ op: String, kernel: Int, options: Conv2DOptions, _ input: ONNXExportValue, path: String,
                           type: String) throws(ONNXExportError) -> ONNXExportValue {
        try Self.requireRank(4, input, path: path, type: type)
        guard options.dilationH == 1, options.dilationW == 1 else {
            throw .unsupportedSetting(path: path, type: type, detail: "dilated pooling (opset 13 AveragePool has no dilations)")
        }
        let geometry = try Self.geometry(options, kernel: (kernel, kernel), input, path: path, type: type)
        var attributes = Self.windowAttributes(options, kernel: (kernel, kernel))
        if op == "AveragePool" { attributes["count_include_pad"] = .int(1) }
        return node(op, [input.name], path: path, attributes: attributes, shape: [input.shape[0], input.shape[1], geometry.outputH, geometry.outputW])
    }

    /// kernel_shape, strides and pads (or auto_pad SAME_UPPER, which is TensorFlow's SAME).
    static func windowAttributes(_ options: Conv2DOptions, kernel: (Int, Int)) -> [String: ONNXModelBuilder.Attribute] {
        var attributes: [String: ONNXModelBuilder.Attribute] = [
            "kernel_shape": .ints([Int64(kernel.0), Int64(kernel.1)]),
            "strides": .ints([Int64(options.strideH), Int64(options.strideW)]),
        ]
        switch options.padding {
        case let .explicit(top, left, bottom, right): attributes["pads"] = .ints([top, left, bottom, right].map(Int64.init))
        case .same: attributes["auto_pad"] = .string("SAME_UPPER")
        }
        return attributes
    }

    static func geometry(_ options: Conv2DOptions, kernel: (Int, Int), _ input: ONNXExportValue, path: String,
                         type: String) throws(ONNXExportError) -> Conv2DGeometry {
        do {
            return try options.resolve(op: type, inputH: input.shape[2], inputW: input.shape[3], kernelH: kernel.0, kernelW: kernel.1)
        } catch {
            throw .shapeMismatch(path: path, type: type, detail: "\(error)")
        }
    }
}
