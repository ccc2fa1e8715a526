/// Parameters that share a learning rate and weight decay: e.g. a backbone at a tenth of the
/// head's rate. Frozen parameters are simply left out of every group (and have `requiresGrad` off).
public struct ParameterGroup {
    public var parameters: [Variable]
    /// Multiplies the optimizer's (scheduled) learning rate for this group.
    public var learningRateScale: Float
    /// Overrides the optimizer's weight decay when set.
    public var weightDecay: Float?

    public init(_ parameters: [Variable], learningRateScale: Float = 1, weightDecay: Float? = nil) {
        self.parameters = parameters
        self.learningRateScale = learningRateScale
        self.weightDecay = weightDecay
    }
}

/// An optimizer that updates parameters in place from their `grad`.
public protocol Optimizer: AnyObject {
    var groups: [ParameterGroup] { get }
    /// The base learning rate; schedules set it before each step.
    var learningRate: Float { get set }
    func step() throws
    /// Per-parameter state (momentum buffers…) for checkpoints, by parameter index across groups.
    func stateDict() -> TensorArchive
    func load(stateDict: TensorArchive) throws
}

extension Optimizer {
    /// Clears every gradient; call before each backward pass.
    public func zeroGrad() {
        for group in groups { for parameter in group.parameters { parameter.grad = nil } }
    }

    var allParameters: [Variable] { groups.flatMap(\.parameters) }
}

/// Scales all gradients so their global L2 norm is at most `maxNorm`, as
/// `torch.nn.utils.clip_grad_norm_`. Returns the norm before clipping.
@discardableResult
public func clipGradientNorm(_ parameters: [Variable], maxNorm: Float) -> Float {
    var total = 0.0
    for p in parameters { if let g = p.grad { for v in g.scalars { total += Double(v) * Double(v) } } }
    let norm = Float(total.squareRoot())
    let coefficient = maxNorm / (norm + 1e-6)
    if coefficient < 1 {
        for p in parameters {
            guard var g = p.grad else { continue }
            for i in 0..<g.count { g.scalars[i] *= coefficient }
            p.grad = g
        }
    }
    return norm
}
