/// torchvision's `BasicBlock`: two 3×3 convs with batch norm, and a 1×1 conv + BN `downsample`
/// when the shape changes.
public final class BasicBlock: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, conv2: Conv2d, bn2: BatchNorm2d
    public let downsample: Sequential?
    public var isTraining = true

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, rng: inout PCG32) throws {
        conv1 = try Conv2d(inChannels, outChannels, kernel: 3, stride: stride, padding: 1, bias: false, rng: &rng)
        bn1 = BatchNorm2d(outChannels)
        conv2 = try Conv2d(outChannels, outChannels, kernel: 3, padding: 1, bias: false, rng: &rng)
        bn2 = BatchNorm2d(outChannels)
        downsample = stride != 1 || inChannels != outChannels
            ? Sequential([try Conv2d(inChannels, outChannels, kernel: 1, stride: stride, padding: 0, bias: false, rng: &rng), BatchNorm2d(outChannels)])
            : nil
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1), ("conv2", conv2), ("bn2", bn2)] + (downsample.map { [("downsample", $0)] } ?? [])
    }

    public func forward(_ input: Variable) throws -> Variable {
        var shortcut = input
        if let downsample, let conv = downsample.layers[0] as? Conv2d, let norm = downsample.layers[1] as? BatchNorm2d {
            shortcut = try convNormActivation(conv, norm, nil, input)
        }
        let hidden = try convNormActivation(conv1, bn1, .relu, input, feedsDenseConvolution: true)
        return try convNormActivation(conv2, bn2, .relu, hidden, residual: shortcut)
    }
}

/// torchvision's ResNet with basic blocks: a 7×7 stride-2 stem, max pool, stages of blocks, global
/// average pool and `fc`. Parameter names match `torchvision.models.resnet18().state_dict()`.
public final class ResNet: Module {
    public let conv1: Conv2d, bn1: BatchNorm2d, maxpool: MaxPool2d
    public let stages: [Sequential]
    public let fc: Linear
    public var isTraining = true

    /// `blocks[i]` BasicBlocks of width `widths[i]` in stage i (stride 2 from the second stage on).
    public init(blocks: [Int], widths: [Int] = [64, 128, 256, 512], classes: Int, seed: UInt64 = 0) throws {
        guard blocks.count == widths.count, !blocks.isEmpty else {
            throw ModuleError.invalidConfiguration(module: "ResNet", detail: "\(blocks.count) stage depths for \(widths.count) widths; give one depth per width")
        }
        var rng = PCG32(seed: seed)
        conv1 = try Conv2d(3, widths[0], kernel: 7, stride: 2, padding: 3, bias: false, rng: &rng)
        bn1 = BatchNorm2d(widths[0])
        maxpool = MaxPool2d(kernel: 3, stride: 2, padding: 1)
        var stages: [Sequential] = []
        var channels = widths[0]
        for (index, (depth, width)) in zip(blocks, widths).enumerated() {
            var stage: [any Module] = []
            for b in 0..<depth {
                stage.append(try BasicBlock(channels, width, stride: index > 0 && b == 0 ? 2 : 1, rng: &rng))
                channels = width
            }
            stages.append(Sequential(stage))
        }
        self.stages = stages
        fc = Linear(channels, classes, rng: &rng)
        // torchvision: convs kaiming_normal(fan_out, relu); BN weight 1, bias 0 (already).
        for (name, p) in namedParameters() where name.hasSuffix("weight") && p.value.rank == 4 {
            p.value = Initialization.kaimingNormalFanOut(p.value.shape, rng: &rng)
        }
    }

    public static func resnet18(classes: Int = 1000, seed: UInt64 = 0) throws -> ResNet {
        try ResNet(blocks: [2, 2, 2, 2], classes: classes, seed: seed)
    }

    public var children: [(String, any Module)] {
        [("conv1", conv1), ("bn1", bn1)] + stages.enumerated().map { ("layer\($0.offset + 1)", $0.element) } + [("fc", fc)]
    }

    /// Pooled features before `fc`: [N, C].
    public func features(_ input: Variable) throws -> Variable {
        var x = try maxpool(convNormActivation(conv1, bn1, .relu, input))
        for stage in stages { x = try stage(x) }
        return try x.globalAvgPool2d().flattened()
    }

    public func forward(_ input: Variable) throws -> Variable {
        try fc(features(input))
    }
}
