/// Stochastic gradient descent with PyTorch's momentum, dampening-free, optional Nesterov and
/// L2 weight decay (added to the gradient, as `torch.optim.SGD`).
public final class SGD: Optimizer {
    public let groups: [ParameterGroup]
    public var learningRate: Float
    public let momentum: Float
    public let nesterov: Bool
    public let weightDecay: Float
    private var buffers: [[Float]?]

    public init(_ groups: [ParameterGroup], learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.groups = groups
        self.learningRate = learningRate
        self.momentum = momentum
        self.nesterov = nesterov
        self.weightDecay = weightDecay
        buffers = Array(repeating: nil, count: groups.reduce(0) { $0 + $1.parameters.count })
    }

    public convenience init(_ parameters: [Variable], learningRate: Float, momentum: Float = 0, nesterov: Bool = false, weightDecay: Float = 0) {
        self.init([ParameterGroup(parameters)], learningRate: learningRate, momentum: momentum, nesterov: nesterov, weightDecay: weightDecay)
    }

    public func step() throws {
        var index = 0
        for group in groups {
            let lr = learningRate * group.learningRateScale, decay = group.weightDecay ?? weightDecay
            for parameter in group.parameters {
                defer { index += 1 }
                guard let grad = parameter.grad else { continue }
                var d = grad.scalars
                let p = parameter.value.scalars
                if decay != 0 { for i in 0..<d.count { d[i] += decay * p[i] } }
                if momentum != 0 {
                    var buffer = buffers[index] ?? d
                    if buffers[index] != nil { for i in 0..<d.count { buffer[i] = momentum * buffer[i] + d[i] } }
                    buffers[index] = buffer
                    if nesterov { for i in 0..<d.count { d[i] += momentum * buffer[i] } } else { d = buffer }
                }
                var updated = parameter.value
                for i in 0..<d.count { updated.scalars[i] -= lr * d[i] }
                parameter.value = updated
            }
        }
    }

    public func stateDict() -> TensorArchive {
        var archive = TensorArchive(entries: [("lr", Tensor(scalar: learningRate))])
        for (i, (buffer, parameter)) in zip(buffers, allParameters).enumerated() {
            if let buffer { archive.entries.append(("\(i).momentum_buffer", Tensor(shape: parameter.value.shape, repeating: 0).replacing(buffer))) }
        }
        return archive
    }

    public func load(stateDict archive: TensorArchive) throws {
        if let lr = archive["lr"] { learningRate = lr.scalars[0] }
        let parameters = allParameters
        for i in 0..<buffers.count {
            if let t = archive["\(i).momentum_buffer"] {
                guard t.shape == parameters[i].value.shape else {
                    throw ModuleError.stateShapeMismatch(name: "optimizer \(i).momentum_buffer", expected: parameters[i].value.shape, found: t.shape)
                }
                buffers[i] = t.scalars
            } else { buffers[i] = nil }
        }
    }
}

extension Tensor {
    func replacing(_ scalars: [Float]) -> Tensor {
        var copy = self
        copy.scalars = scalars
        return copy
    }
}
