import Foundation

/// Pointwise activations, each with its derivative written next to it (one gradient rule each).
/// Derivatives at the kinks follow PyTorch so parity fixtures agree bit for bit on the mask.
public enum Activation: Sendable, Hashable {
    case relu
    /// Clamp to [min, max]; ReLU6 is `.clip(min: 0, max: 6)`.
    case clip(min: Float, max: Float)
    /// x · relu6(x + 3) / 6 (MobileNetV3).
    case hardSwish
    /// relu6(x + 3) / 6.
    case hardSigmoid
    case sigmoid
    /// x · sigmoid(x), also called swish.
    case silu

    public static let relu6 = Activation.clip(min: 0, max: 6)

    public func apply(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? x : 0
        case let .clip(lo, hi): return Swift.min(Swift.max(x, lo), hi)
        case .hardSwish: return x * Swift.min(Swift.max(x + 3, 0), 6) / 6
        case .hardSigmoid: return Swift.min(Swift.max(x + 3, 0), 6) / 6
        case .sigmoid: return 1 / (1 + exp(-x))
        case .silu: return x / (1 + exp(-x))
        }
    }

    /// d apply / dx at x.
    public func derivative(_ x: Float) -> Float {
        switch self {
        case .relu: return x > 0 ? 1 : 0
        case let .clip(lo, hi): return (x > lo && x < hi) ? 1 : 0
        case .hardSwish: return x < -3 ? 0 : (x > 3 ? 1 : (2 * x + 3) / 6)
        case .hardSigmoid: return (x > -3 && x < 3) ? 1.0 / 6.0 : 0
        case .sigmoid: let s = 1 / (1 + exp(-x)); return s * (1 - s)
        case .silu: let s = 1 / (1 + exp(-x)); return s * (1 + x * (1 - s))
        }
    }

    public func forward(_ input: Tensor) -> Tensor {
        Tensor(uncheckedShape: input.shape, scalars: input.scalars.map(apply))
    }

    public func backward(gradOutput: Tensor, input: Tensor) -> Tensor {
        var out = gradOutput.scalars
        for i in 0..<out.count { out[i] *= derivative(input.scalars[i]) }
        return Tensor(uncheckedShape: input.shape, scalars: out)
    }
}
