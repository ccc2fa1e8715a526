import Foundation

/// Adam with decoupled weight decay (Loshchilov & Hutter), as `torch.optim.AdamW`.
public final class AdamW: Optimizer {
    public let groups: [ParameterGroup]
    public var learningRate: Float
    public let beta1: Float, beta2: Float, epsilon: Float, weightDecay: Float
    private var m: [[Float]?], v: [[Float]?]
    private var steps: [Int]

    public init(_ groups: [ParameterGroup], learningRate: Float = 1e-3, beta1: Float = 0.9, beta2: Float = 0.999, epsilon: Float = 1e-8, weightDecay: Float = 0.01) {
        self.groups = groups
        self.learningRate = learningRate
        self.beta1 = beta1; self.beta2 = beta2; self.epsilon = epsilon; self.weightDecay = weightDecay
        let count = groups.reduce(0) { $0 + $1.parameters.count }
        m = Array(repeating: nil, count: count); v = Array(repeating: nil, count: count)
        steps = Array(repeating: 0, count: count)
    }

    public convenience init(_ parameters: [Variable], learningRate: Float = 1e-3, weightDecay: Float = 0.01) {
        self.init([ParameterGroup(parameters)], learningRate: learningRate, weightDecay: weightDecay)
    }

    /// One fused pass per parameter, in place and split across the engine's threads, with the
    /// same element-wise arithmetic as before (bit-identical results); the moments are taken out
    /// of their arrays so they update without a copy.
    public func step() throws {
        var index = 0
        for group in groups {
            let lr = learningRate * group.learningRateScale, decay = group.weightDecay ?? weightDecay
            let beta1 = beta1, beta2 = beta2, epsilon = epsilon
            for parameter in group.parameters {
                defer { index += 1 }
                guard let grad = parameter.grad else { continue }
                steps[index] += 1
                let t = Float(steps[index])
                var mi = m[index] ?? [Float](repeating: 0, count: grad.count)
                var vi = v[index] ?? [Float](repeating: 0, count: grad.count)
                m[index] = nil; v[index] = nil
                let c1 = 1 - pow(beta1, t), c2 = 1 - pow(beta2, t)
                grad.scalars.withUnsafeBufferPointer { g in
                    parameter.value.scalars.withUnsafeMutableBufferPointer { p in
                        mi.withUnsafeMutableBufferPointer { mb in
                            vi.withUnsafeMutableBufferPointer { vb in
                                nonisolated(unsafe) let g = g.baseAddress!, p = p.baseAddress!, m = mb.baseAddress!, v = vb.baseAddress!
                                ParallelRanges.forEach(grad.count, grain: 1 << 14) { range in
                                    for i in range {
                                        let gi = g[i]
                                        p[i] *= 1 - lr * decay
                                        m[i] = beta1 * m[i] + (1 - beta1) * gi
                                        v[i] = beta2 * v[i] + (1 - beta2) * gi * gi
                                        p[i] -= lr * (m[i] / c1) / ((v[i] / c2).squareRoot() + epsilon)
                                    }
                                }
                            }
                        }
                    }
                }
                m[index] = mi; v[index] = vi
            }
        }
    }

    public func stateDict() -> TensorArchive {
        var archive = TensorArchive(entries: [("lr", Tensor(scalar: learningRate))])
        for (i, parameter) in allParameters.enumerated() {
            guard let mi = m[i], let vi = v[i] else { continue }
            archive.entries.append(("\(i).step", Tensor(scalar: Float(steps[i]))))
            archive.entries.append(("\(i).exp_avg", parameter.value.replacing(mi)))
            archive.entries.append(("\(i).exp_avg_sq", parameter.value.replacing(vi)))
        }
        return archive
    }

    public func load(stateDict archive: TensorArchive) throws {
        if let lr = archive["lr"] { learningRate = lr.scalars[0] }
        for (i, parameter) in allParameters.enumerated() {
            guard let mi = archive["\(i).exp_avg"], let vi = archive["\(i).exp_avg_sq"], let s = archive["\(i).step"] else {
                m[i] = nil; v[i] = nil; steps[i] = 0; continue
            }
            guard mi.shape == parameter.value.shape, vi.shape == parameter.value.shape else {
                throw ModuleError.stateShapeMismatch(name: "optimizer \(i).exp_avg", expected: parameter.value.shape, found: mi.shape)
            }
            m[i] = mi.scalars; v[i] = vi.scalars; steps[i] = Int(s.scalars[0])
        }
    }
}
