/// torchvision's `Conv2dNormActivation` with ReLU6 and a bias-free conv.
func convBNReLU6(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, groups: Int = 1, rng: inout PCG32) throws -> ConvNormActivation {
    ConvNormActivation(
        conv: try Conv2d(inChannels, outChannels, kernel: kernel, stride: stride, padding: (kernel - 1) / 2, groups: groups, bias: false, rng: &rng),
        norm: BatchNorm2d(outChannels), activation: .relu6)
}

/// torchvision's `InvertedResidual`: optional 1×1 expansion, 3×3 depthwise, 1×1 linear projection,
/// with a residual connection when shapes allow. Its layers live in `conv`.
public final class InvertedResidual: Module {
    public let conv: Sequential
    /// The last two layers of `conv` (projection conv and its batch norm), run fused in eval mode.
    private let projection: ConvNormActivation
    public let residual: Bool
    public var isTraining = true

    public init(_ inChannels: Int, _ outChannels: Int, stride: Int, expandRatio: Int, rng: inout PCG32) throws {
        let hidden = inChannels * expandRatio
        var layers: [any Module] = []
        if expandRatio != 1 { layers.append(try convBNReLU6(inChannels, hidden, kernel: 1, rng: &rng)) }
        layers.append(try convBNReLU6(hidden, hidden, kernel: 3, stride: stride, groups: hidden, rng: &rng))
        let project = ConvNormActivation(conv: try Conv2d(hidden, outChannels, kernel: 1, padding: 0, bias: false, rng: &rng), norm: BatchNorm2d(outChannels), activation: nil)
        layers += [project.conv, project.norm]
        conv = Sequential(layers)
        projection = project
        residual = stride == 1 && inChannels == outChannels
    }

    public var children: [(String, any Module)] { [("conv", conv)] }

    public func forward(_ input: Variable) throws -> Variable {
        let head = conv.layers.dropLast(2)
        var x = input
        if head.count == 2, let expand = head.first as? ConvNormActivation, let depthwise = head.last as? ConvNormActivation,
           expand.activation?.kind == .relu6, depthwise.activation?.kind == .relu6 {
            x = try expandThenDepthwise((expand.conv, expand.norm), (depthwise.conv, depthwise.norm), activation: .relu6, x)
        } else {
            for layer in head { x = try layer(x) }
        }
        return try projection.forward(x, residual: residual ? input : nil)
    }
}

/// MobileNetV2 (width 1.0) with torchvision's parameter names: `features.0…18`, `classifier.1`.
public final class MobileNetV2: Module {
    public let features: Sequential
    public let classifier: Sequential
    public var isTraining = true

    public init(classes: Int = 1000, dropout: Float = 0.2, seed: UInt64 = 0) throws {
        var rng = PCG32(seed: seed)
        // (expansion t, channels c, repeats n, first stride s), from the paper's Table 2.
        let settings = [(1, 16, 1, 1), (6, 24, 2, 2), (6, 32, 3, 2), (6, 64, 4, 2), (6, 96, 3, 1), (6, 160, 3, 2), (6, 320, 1, 1)]
        var layers: [any Module] = [try convBNReLU6(3, 32, kernel: 3, stride: 2, rng: &rng)]
        var channels = 32
        for (t, c, n, s) in settings {
            for i in 0..<n {
                layers.append(try InvertedResidual(channels, c, stride: i == 0 ? s : 1, expandRatio: t, rng: &rng))
                channels = c
            }
        }
        layers.append(try convBNReLU6(channels, 1280, kernel: 1, rng: &rng))
        features = Sequential(layers)
        classifier = Sequential([Dropout(dropout, seed: seed), Linear(1280, classes, rng: &rng)])
        // torchvision: convs kaiming_normal(fan_out); linear N(0, 0.01), bias 0.
        for (name, p) in namedParameters() {
            if p.value.rank == 4 { p.value = Initialization.kaimingNormalFanOut(p.value.shape, rng: &rng) }
            if name == "classifier.1.weight" { p.value = Tensor.normal(p.value.shape, std: 0.01, using: &rng) }
            if name == "classifier.1.bias" { p.value = Tensor(zeros: p.value.shape) }
        }
    }

    public var children: [(String, any Module)] { [("features", features), ("classifier", classifier)] }

    public func features(_ input: Variable) throws -> Variable {
        try features.forward(input).globalAvgPool2d().flattened()
    }

    public func forward(_ input: Variable) throws -> Variable {
        try classifier(features(input))
    }
}
