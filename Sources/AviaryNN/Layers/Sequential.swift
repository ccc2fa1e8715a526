/// `nn.Sequential`: children named "0", "1", … and applied in order.
public final class Sequential: Module {
    public let layers: [any Module]
    public var isTraining = true
    public init(_ layers: [any Module]) { self.layers = layers }
    public var children: [(String, any Module)] { layers.enumerated().map { (String($0.offset), $0.element) } }
    public func forward(_ input: Variable) throws -> Variable {
        try layers.reduce(input) { try $1.forward($0) }
    }
}

/// `nn.ReLU()` and friends by their PyTorch names, for building models that read like torchvision's.
public enum Layers {
    public static func relu() -> ActivationLayer { ActivationLayer(.relu) }
    public static func relu6() -> ActivationLayer { ActivationLayer(.relu6) }
    public static func hardSwish() -> ActivationLayer { ActivationLayer(.hardSwish) }
    public static func silu() -> ActivationLayer { ActivationLayer(.silu) }
}
