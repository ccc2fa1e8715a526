/// A pointwise activation as a layer (`nn.ReLU`, `nn.ReLU6`, `nn.Hardswish`, …); no parameters.
public final class ActivationLayer: Module {
    public let kind: Activation
    public var isTraining = true
    public init(_ kind: Activation) { self.kind = kind }
    public func forward(_ input: Variable) throws -> Variable { input.activation(kind) }
}

/// `nn.MaxPool2d`.
public final class MaxPool2d: Module {
    public let kernel: Int
    public let options: Conv2DOptions
    public var isTraining = true
    public init(kernel: Int, stride: Int, padding: Int = 0) {
        self.kernel = kernel
        options = Conv2DOptions(stride: stride, padding: padding)
    }
    public func forward(_ input: Variable) throws -> Variable { try input.maxPool2d(kernel: (kernel, kernel), options: options) }
}

/// `nn.AvgPool2d` (count_include_pad as PyTorch's default).
public final class AvgPool2d: Module {
    public let kernel: Int
    public let options: Conv2DOptions
    public var isTraining = true
    public init(kernel: Int, stride: Int, padding: Int = 0) {
        self.kernel = kernel
        options = Conv2DOptions(stride: stride, padding: padding)
    }
    public func forward(_ input: Variable) throws -> Variable { try input.avgPool2d(kernel: (kernel, kernel), options: options) }
}

/// `nn.AdaptiveAvgPool2d(1)`: [N, C, H, W] → [N, C, 1, 1].
public final class GlobalAvgPool2d: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Variable) throws -> Variable { try input.globalAvgPool2d() }
}

/// `nn.Flatten()`: [N, …] → [N, rest].
public final class Flatten: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Variable) throws -> Variable { try input.flattened() }
}

/// `nn.Identity`.
public final class Identity: Module {
    public var isTraining = true
    public init() {}
    public func forward(_ input: Variable) throws -> Variable { input }
}

/// `nn.Dropout(p)`. Keeps its own seeded generator so a run's masks are reproducible.
public final class Dropout: Module {
    public let probability: Float
    public var rng: PCG32
    public var isTraining = true
    public init(_ probability: Float, seed: UInt64 = 0) {
        self.probability = probability
        rng = PCG32(seed: seed)
    }
    public func forward(_ input: Variable) throws -> Variable {
        try input.dropout(p: probability, training: isTraining, rng: &rng)
    }
}
