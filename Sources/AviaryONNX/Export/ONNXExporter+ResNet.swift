import AviaryNN

/// The residual block: two conv–BN units, the shortcut (downsampled when the shape changes),
/// Add, then ReLU — what `BasicBlock.forward` computes.
extension BasicBlock: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var out = try exporter.emit(conv1, input, path: ONNXExporter.join(path, "conv1"))
        out = try exporter.emit(bn1, out, path: ONNXExporter.join(path, "bn1"))
        out = exporter.node("Relu", [out.name], path: ONNXExporter.join(path, "relu1"), shape: out.shape)
        out = try exporter.emit(conv2, out, path: ONNXExporter.join(path, "conv2"))
        out = try exporter.emit(bn2, out, path: ONNXExporter.join(path, "bn2"))
        var shortcut = input
        if let downsample { shortcut = try exporter.emit(downsample, input, path: ONNXExporter.join(path, "downsample")) }
        guard shortcut.shape == out.shape else {
            throw .shapeMismatch(path: path, type: "BasicBlock", detail: "residual \(out.shape) and shortcut \(shortcut.shape) differ")
        }
        let sum = exporter.node("Add", [out.name, shortcut.name], path: path, shape: out.shape)
        return exporter.node("Relu", [sum.name], path: path, shape: out.shape)
    }
}

/// Stem, stages, global pool, flatten and `fc`, as `ResNet.forward`.
extension ResNet: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var x = try exporter.emit(conv1, input, path: ONNXExporter.join(path, "conv1"))
        x = try exporter.emit(bn1, x, path: ONNXExporter.join(path, "bn1"))
        x = exporter.node("Relu", [x.name], path: ONNXExporter.join(path, "relu"), shape: x.shape)
        x = try exporter.emit(maxpool, x, path: ONNXExporter.join(path, "maxpool"))
        for (index, stage) in stages.enumerated() { x = try exporter.emit(stage, x, path: ONNXExporter.join(path, "layer\(index + 1)")) }
        x = try exporter.emit(GlobalAvgPool2d(), x, path: ONNXExporter.join(path, "avgpool"))
        x = try exporter.emit(Flatten(), x, path: ONNXExporter.join(path, "flatten"))
        return try exporter.emit(fc, x, path: ONNXExporter.join(path, "fc"))
    }
}
