import Foundation

/// PyTorch's default initialisations, drawn from a seeded `PCG32` so a seed reproduces a model.
public enum Initialization {
    /// U(−1/√fanIn, 1/√fanIn): what `kaiming_uniform_(a=√5)` reduces to, PyTorch's default for
    /// conv and linear weights and biases.
    public static func pytorchDefault(_ shape: [Int], fanIn: Int, rng: inout PCG32) -> Tensor {
        let bound = 1 / Float(max(fanIn, 1)).squareRoot()
        return Tensor.uniform(shape, low: -bound, high: bound, using: &rng)
    }

    /// N(0, 2/fanOut): torchvision's `kaiming_normal_(mode="fan_out", nonlinearity="relu")` for ResNet convs.
    public static func kaimingNormalFanOut(_ shape: [Int], rng: inout PCG32) -> Tensor {
        let fanOut = shape[0] * shape.dropFirst(2).reduce(1, *)
        return Tensor.normal(shape, std: (2 / Float(fanOut)).squareRoot(), using: &rng)
    }
}
