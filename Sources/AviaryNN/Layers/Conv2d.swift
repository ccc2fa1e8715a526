/// `torch.nn.Conv2d`: parameters `weight` [out, in/groups, kh, kw] and optional `bias` [out].
public final class Conv2d: Module {
    public let weight: Variable
    public let bias: Variable?
    public let options: Conv2DOptions
    public var isTraining = true

    public init(
        _ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Conv2DPadding = .symmetric(0, 0),
        dilation: Int = 1, groups: Int = 1, bias: Bool = true, rng: inout PCG32
    ) throws {
        guard inChannels > 0, outChannels > 0, kernel > 0, groups > 0, inChannels % groups == 0, outChannels % groups == 0 else {
            throw ModuleError.invalidConfiguration(module: "Conv2d", detail: "in \(inChannels), out \(outChannels), kernel \(kernel), groups \(groups): channels must be positive multiples of groups")
        }
        let fanIn = inChannels / groups * kernel * kernel
        weight = Variable(Initialization.pytorchDefault([outChannels, inChannels / groups, kernel, kernel], fanIn: fanIn, rng: &rng), requiresGrad: true)
        self.bias = bias ? Variable(Initialization.pytorchDefault([outChannels], fanIn: fanIn, rng: &rng), requiresGrad: true) : nil
        options = Conv2DOptions(strideH: stride, strideW: stride, padding: padding, dilationH: dilation, dilationW: dilation, groups: groups)
    }

    /// Symmetric padding `padding` on every side, as PyTorch's `padding=p`.
    public convenience init(_ inChannels: Int, _ outChannels: Int, kernel: Int, stride: Int = 1, padding: Int, groups: Int = 1, bias: Bool = true, rng: inout PCG32) throws {
        try self.init(inChannels, outChannels, kernel: kernel, stride: stride, padding: .symmetric(padding, padding), groups: groups, bias: bias, rng: &rng)
    }

    public var localParameters: [(String, Variable)] { [("weight", weight)] + (bias.map { [("bias", $0)] } ?? []) }

    public func forward(_ input: Variable) throws -> Variable {
        try input.conv2d(weight: weight, bias: bias, options: options)
    }
}
