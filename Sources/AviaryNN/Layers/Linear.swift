/// `torch.nn.Linear`: `weight` [out, in], `bias` [out].
public final class Linear: Module {
    public let weight: Variable
    public let bias: Variable?
    public var isTraining = true

    public init(_ inFeatures: Int, _ outFeatures: Int, bias: Bool = true, rng: inout PCG32) {
        weight = Variable(Initialization.pytorchDefault([outFeatures, inFeatures], fanIn: inFeatures, rng: &rng), requiresGrad: true)
        self.bias = bias ? Variable(Initialization.pytorchDefault([outFeatures], fanIn: inFeatures, rng: &rng), requiresGrad: true) : nil
    }

    public var localParameters: [(String, Variable)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public func forward(_ input: Variable) throws -> Variable {
        try input.linear(weight: weight, bias: bias)
    }
}
