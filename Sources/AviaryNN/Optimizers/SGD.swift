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

    /// One fused pass per parameter, in place and split across the engine's threads. The
    /// arithmetic is PyTorch's, element by element in the same order as before, so results are
    /// bit-identical; what changed is that the weights, gradient and momentum are no longer
    /// copied (three full copies of the model per step) and that both cores do the pass.
    public func step() throws {
        var index = 0
        for group in groups {
            let lr = learningRate * group.learningRateScale, decay = group.weightDecay ?? weightDecay
            let momentum = momentum, nesterov = nesterov
            for parameter in group.parameters {
                defer { index += 1 }
                guard let grad = parameter.grad else { continue }
                // Taken out of the array so that it is uniquely held and updates in place.
                var buffer = buffers[index] ?? []
                buffers[index] = nil
                let first = buffer.isEmpty
                if momentum != 0 && first { buffer = [Float](repeating: 0, count: grad.count) }
                grad.scalars.withUnsafeBufferPointer { g in
                    parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                        buffer.withUnsafeMutableBufferPointer { b in
                            nonisolated(unsafe) let g = g.baseAddress!, p = p.baseAddress!, b = b.baseAddress
                            ParallelRanges.forEach(grad.count, grain: 1 << 15) { range in
                                for i in range {
                                    var d = decay != 0 ? g[i] + decay * p[i] : g[i]
                                    if momentum != 0 {
                                        let v = first ? d : momentum * b![i] + d
                                        b![i] = v
                                        d = nesterov ? d + momentum * v : v
                                    }
                                    p[i] -= lr * d
                                }
                            }
                        }
                    }
                }
                if momentum != 0 { buffers[index] = buffer }
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
