/// The kernels that have a fast implementation. Every op also has a plain Swift reference
/// (`Conv2DReference`, `GEMMReference`…); a backend that cannot run a case falls back to it.
public protocol Kernels: Sendable {
    var name: String { get }
    func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor
    func conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor
    func conv2dBackwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry: Conv2DGeometry) throws -> (weight: Tensor, bias: Tensor)
    /// Row-major C[m×n] = op(A) · op(B).
    func gemm(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float]
}

/// The plain Swift definitions: slow, obvious, always available.
public struct ReferenceKernels: Kernels {
    public init() {}
    public var name: String { "reference" }
    public func conv2dForward(input: Tensor, weight: Tensor, bias: Tensor?, geometry: Conv2DGeometry) throws -> Tensor {
        Conv2DReference.forward(input: input, weight: weight, bias: bias, geometry: geometry)
    }
    public func conv2dBackwardData(gradOutput: Tensor, weight: Tensor, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        Conv2DReference.backwardData(gradOutput: gradOutput, weight: weight, inputShape: inputShape, geometry: geometry)
    }
    public func conv2dBackwardWeights(input: Tensor, gradOutput: Tensor, weightShape: [Int], geometry: Conv2DGeometry) throws -> (weight: Tensor, bias: Tensor) {
        Conv2DReference.backwardWeights(input: input, gradOutput: gradOutput, weightShape: weightShape, geometry: geometry)
    }
    public func gemm(_ a: [Float], _ b: [Float], m: Int, n: Int, k: Int, transposeA: Bool, transposeB: Bool) -> [Float] {
        GEMMReference.multiply(a, b, m: m, n: n, k: k, transposeA: transposeA, transposeB: transposeB)
    }
}

/// Which kernels the ops use. oneDNN by default; tests switch per task with
/// `Engine.$kernels.withValue(ReferenceKernels()) { … }`.
public enum Engine {
    @TaskLocal public static var kernels: any Kernels = DNNLKernels.shared
}
