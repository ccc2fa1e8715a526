/// A node of the autograd graph: a value, the nodes it was computed from, and one rule that maps
/// the gradient of this node to gradients of its parents (micrograd's design, on tensors).
///
/// Leaves created with `requiresGrad: true` (parameters) accumulate `grad` across `backward()`
/// calls until an optimizer clears them. Intermediate nodes exist only while a forward result is
/// referenced, so a graph is freed with the loss that owns it.
public final class Variable {
    /// The value, materialised to NCHW on first read when a chain left it in a kernel's layout.
    public var value: Tensor {
        get { materialize(); return stored }
        set { stored = newValue; held = nil }
        _modify { materialize(); yield &stored }
    }
    /// The NCHW value; while `held` is set, only a placeholder with the right shape.
    private var stored: Tensor
    /// The scalars of a result left in a kernel's layout (NHWC, or nChw16c in inference), kept so
    /// that the next op that understands the layout takes them without a conversion.
    private var held: (scalars: Tensor, layout: ActivationLayout)?
    /// NHWC scalars ([N, H, W, C]) of a channels-last result, or nil.
    var channelsLast: Tensor? { held?.layout == .nhwc ? held?.scalars : nil }
    /// The scalars as they lie, and how: what a layout-aware op reads (NCHW for a plain value).
    var laidOut: (scalars: Tensor, layout: ActivationLayout) { held ?? (value, .nchw) }
    public var grad: Tensor?
    /// Settable on leaves: freezing a parameter stops gradients flowing into it.
    public var requiresGrad: Bool
    let parents: [Variable]
    let rule: ((Tensor) throws -> [Tensor?])?
    /// Whether this node's rule takes its gradient channels-last ([N, H, W, C]): true for a
    /// training result created channels-last, fixed when the node is made.
    let gradientIsChannelsLast: Bool
    /// Whether the rule already returns each parent's gradient in that parent's layout; other
    /// rules return NCHW, which `backward` converts for channels-last parents.
    let ruleKnowsLayouts: Bool

    /// A leaf.
    public init(_ value: Tensor, requiresGrad: Bool = false) {
        DNNLReplayRecorder.current?.retainResult(value.scalars)
        self.stored = value
        self.requiresGrad = requiresGrad
        self.parents = []
        self.rule = nil
        self.gradientIsChannelsLast = false
        self.ruleKnowsLayouts = false
    }

    /// An op result. The graph is recorded only when some parent needs a gradient and recording
    /// is on (`GradientMode`), so inference builds no graph. `ruleKnowsLayouts`: the rule returns
    /// each parent's gradient in that parent's layout (`gradient(_:for:)`), as the edge of a
    /// channels-last chain does (global pooling reads NHWC and gives NCHW).
    init(_ value: Tensor, parents: [Variable], ruleKnowsLayouts: Bool = false, rule: @escaping (Tensor) throws -> [Tensor?]) {
        // A recorded eval pass keeps every result's storage: its replay writes there again.
        DNNLReplayRecorder.current?.retainResult(value.scalars)
        self.stored = value
        let needed = GradientMode.isEnabled && parents.contains { $0.requiresGrad }
        self.requiresGrad = needed
        self.parents = needed ? parents : []
        self.rule = needed ? rule : nil
        self.gradientIsChannelsLast = false
        self.ruleKnowsLayouts = needed && ruleKnowsLayouts
    }

    /// An inference result (no gradient) held as `layout` says, of logical [N, C, H, W] `shape`;
    /// the value reads as NCHW.
    convenience init(inference scalars: Tensor, layout: ActivationLayout, shape: [Int]) {
        self.init(scalars, parents: [], rule: { _ in [] })
        if layout != .nchw {
            stored = Tensor(uncheckedShape: shape, scalars: [])
            held = (scalars, layout)
        }
    }

    /// An op result held channels-last (`nhwc` is [N, H, W, C]; the value reads as NCHW). Its rule
    /// takes the gradient as [N, H, W, C] too and returns each parent's gradient in the layout
    /// `gradient(_:for:)` gives, so a chain of such ops never converts layouts.
    convenience init(channelsLast nhwc: Tensor, parents: [Variable], rule: @escaping (Tensor) throws -> [Tensor?]) {
        let s = nhwc.shape
        self.init(training: nhwc, layout: .nhwc, shape: [s[0], s[3], s[1], s[2]], parents: parents, rule: rule)
    }

    /// A training result held as `layout` says (NHWC, or nChw16c for a convolution that reads it
    /// as it is), of logical [N, C, H, W] `shape`. Its gradient is NHWC all the same, as for
    /// `init(channelsLast:parents:rule:)`.
    init(training scalars: Tensor, layout: ActivationLayout, shape: [Int], parents: [Variable], rule: @escaping (Tensor) throws -> [Tensor?]) {
        DNNLReplayRecorder.current?.retainResult(scalars.scalars)
        self.stored = Tensor(uncheckedShape: shape, scalars: [])
        self.held = (scalars, layout)
        let needed = GradientMode.isEnabled && parents.contains { $0.requiresGrad }
        self.requiresGrad = needed
        self.parents = needed ? parents : []
        self.rule = needed ? rule : nil
        self.gradientIsChannelsLast = needed
        self.ruleKnowsLayouts = needed
    }

    /// `nhwc`, a gradient shaped [N, H, W, C], in the layout `parent`'s rule takes.
    static func gradient(_ nhwc: Tensor, for parent: Variable) -> Tensor {
        parent.gradientIsChannelsLast ? nhwc : nhwc.channelsLastToNCHW()
    }

    private func materialize() {
        guard let (scalars, layout) = held else { return }
        stored = scalars.relaid(stored.shape, from: layout, to: .nchw)
        held = nil
    }

    public var shape: [Int] { stored.shape }

    /// Back-propagates from this node. `seed` defaults to ones (so a scalar loss needs none).
    public func backward(seed: Tensor? = nil) throws {
        var seed = seed ?? Tensor(shape: shape, repeating: 1)
        guard seed.shape == shape else {
            throw TensorError.shapeMismatch(op: "backward", detail: "seed \(seed.shape) vs value \(shape)", hint: "pass a seed shaped like the output")
        }
        if gradientIsChannelsLast { seed = seed.nchwToChannelsLast() }
        // Reverse topological order, iteratively (ResNets are deep enough to matter for recursion).
        var order: [Variable] = []
        var visited: Set<ObjectIdentifier> = []
        var stack: [(Variable, Bool)] = [(self, false)]
        while let (node, expanded) = stack.popLast() {
            if expanded { order.append(node); continue }
            guard visited.insert(ObjectIdentifier(node)).inserted else { continue }
            stack.append((node, true))
            for parent in node.parents where parent.requiresGrad && !visited.contains(ObjectIdentifier(parent)) {
                stack.append((parent, false))
            }
        }
        var pending: [ObjectIdentifier: Tensor] = [ObjectIdentifier(self): seed]
        for node in order.reversed() {
            guard let gradient = pending.removeValue(forKey: ObjectIdentifier(node)) else { continue }
            guard let rule = node.rule else {
                if node.requiresGrad { node.grad = node.grad.map { $0.adding(gradient) } ?? gradient }
                continue
            }
            let parentGradients = try rule(gradient)
            for (parent, parentGradient) in zip(node.parents, parentGradients) {
                guard parent.requiresGrad, var parentGradient else { continue }
                if parent.gradientIsChannelsLast && !node.ruleKnowsLayouts { parentGradient = parentGradient.nchwToChannelsLast() }
                let id = ObjectIdentifier(parent)
                pending[id] = pending[id].map { $0.adding(parentGradient) } ?? parentGradient
            }
        }
    }
}

/// Whether ops record the graph. Off inside `GradientMode.withoutGradients { … }`.
public enum GradientMode {
    @TaskLocal public static var isEnabled = true

    public static func withoutGradients<T>(_ body: () throws -> T) rethrows -> T {
        try $isEnabled.withValue(false) { try body() }
    }
}

extension Tensor {
    /// Same-shape sum, for gradient accumulation (a residual block's input gets two gradients).
    func adding(_ other: Tensor) -> Tensor {
        var out = uninitializedScalars(count)
        scalars.withUnsafeBufferPointer { a in other.scalars.withUnsafeBufferPointer { b in out.withUnsafeMutableBufferPointer { o in
            nonisolated(unsafe) let pa = a.baseAddress, pb = b.baseAddress, po = o.baseAddress
            ParallelRanges.forEach(count, grain: 1 << 16) { range in
                for i in range { po![i] = pa![i] + pb![i] }
            }
        } } }
        return Tensor(uncheckedShape: shape, scalars: out)
    }
}
