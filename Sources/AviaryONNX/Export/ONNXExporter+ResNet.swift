import AviaryNN

/// The residual block: two conv–BN units, the shortcut (downsampled when the shape changes),
/// Add, then ReLU — what `BasicBlock.forward` computes.
extension BasicBlock: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var out = try exporter.emitConvNorm(conv1, bn1, .relu, input, path: path, conv: "conv1", norm: "bn1")
        out = try exporter.emitConvNorm(conv2, bn2, nil, out, path: path, conv: "conv2", norm: "bn2")
        var shortcut = input
        if let downsample { shortcut = try exporter.emit(downsample, input, path: ONNXExporter.join(path, "downsample")) }
        let sum = try exporter.emitResidual(out, shortcut, path: path, type: "BasicBlock")
        return exporter.node("Relu", [sum.name], path: path, shape: out.shape)
    }
}

/// Stem, stages, global pool, flatten and `fc`, as `ResNet.forward`.
extension ResNet: ONNXExportable {
    public func exportONNX(_ input: ONNXExportValue, path: String, into exporter: inout ONNXExporter) throws(ONNXExportError) -> ONNXExportValue {
        var x = try exporter.emitConvNorm(conv1, bn1, .relu, input, path: path, conv: "conv1", norm: "bn1")
        x = try exporter.emit(maxpool, x, path: ONNXExporter.join(path, "maxpool"))
        for (index, stage) in stages.enumerated() { x = try exporter.emit(stage, x, path: ONNXExporter.join(path, "layer\(index + 1)")) }
        return try exporter.emitPooledHead(fc, x, path: path, head: "fc")
    }
}
