import AviaryNN

extension ONNXExporter {
    /// conv → batch norm → optional activation, each under its own state-dict path.
    mutating func emitConvNorm(_ conv: Conv2d, _ norm: BatchNorm2d, _ activation: Activation?, _ input: ONNXExportValue,
                               path: String, conv convName: String, norm normName: String) throws(ONNXExportError) -> ONNXExportValue {
        var x = try emit(conv, input, path: Self.join(path, convName))
        x = try emit(norm, x, path: Self.join(path, normName))
        if let activation { x = try emitActivation(activation, x, path: Self.join(path, "\(normName)_act")) }
        return x
    }

    /// Pool, flatten, then the head: the tail every classifier here shares.
    mutating func emitPooledHead(_ head: any Module, _ input: ONNXExportValue, path: String, head headName: String) throws(ONNXExportError) -> ONNXExportValue {
        var x = try emit(GlobalAvgPool2d(), input, path: Self.join(path, "avgpool"))
        x = try emit(Flatten(), x, path: Self.join(path, "flatten"))
        return try emit(head, x, path: Self.join(path, headName))
    }

    /// `x + shortcut`, checked: the residual connections of ResNet, MobileNetV2 and EfficientNet.
    mutating func emitResidual(_ x: ONNXExportValue, _ shortcut: ONNXExportValue, path: String, type: String) throws(ONNXExportError) -> ONNXExportValue {
        guard shortcut.shape == x.shape else {
            throw .shapeMismatch(path: path, type: type, detail: "residual \(x.shape) and shortcut \(shortcut.shape) differ")
        }
        return node("Add", [x.name, shortcut.name], path: path, shape: x.shape)
    }
}

/// Expansion, depthwise and projection (all in `conv`), plus the input when shapes allow.
extension InvertedResidual: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        let x = try exporter.emit(conv, input, path: ONNXExporter.join(path, "conv"))
        return residual ? try exporter.emitResidual(x, input, path: path, type: "InvertedResidual") : x
    }
}

extension MobileNetV2: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        let x = try exporter.emit(features, input, path: ONNXExporter.join(path, "features"))
        return try exporter.emitPooledHead(classifier, x, path: path, head: "classifier")
    }
}

/// EfficientNet-Lite's block: ReLU6 expansion and depthwise, linear projection, identity skip.
extension MBConvBlock: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var x = input
        if let expandConv, let bn0 { x = try exporter.emitConvNorm(expandConv, bn0, .relu6, x, path: path, conv: "_expand_conv", norm: "_bn0") }
        x = try exporter.emitConvNorm(depthwiseConv, bn1, .relu6, x, path: path, conv: "_depthwise_conv", norm: "_bn1")
        x = try exporter.emitConvNorm(projectConv, bn2, nil, x, path: path, conv: "_project_conv", norm: "_bn2")
        return skip ? try exporter.emitResidual(x, input, path: path, type: "MBConvBlock") : x
    }
}

extension EfficientNetLite0: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var x = try exporter.emitConvNorm(convStem, bn0, .relu6, input, path: path, conv: "_conv_stem", norm: "_bn0")
        for (index, block) in blocks.enumerated() { x = try exporter.emit(block, x, path: ONNXExporter.join(path, "_blocks.\(index)")) }
        x = try exporter.emitConvNorm(convHead, bn1, .relu6, x, path: path, conv: "_conv_head", norm: "_bn1")
        return try exporter.emitPooledHead(fc, x, path: path, head: "_fc")
    }
}
