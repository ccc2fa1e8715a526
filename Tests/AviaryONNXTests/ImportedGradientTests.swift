@testable import AviaryONNX
import AviaryTensor
import Testing

/// Imported graphs run backward through the operators added for conformance (Resize, Pad,
/// ConvTranspose, Transpose, batched MatMul, Div by a computed value, ceil-mode average pooling): the
/// gradient of Σ R·y with respect to the graph input agrees with central differences of the
/// imported graph itself (reference kernels, Float64 sums; atol = rtol = 1e-2 at step 1e-2).
@Suite struct ImportedGradientTests {
    static func model() throws -> Onnx_ModelProto {
        var builder = ONNXModelBuilder(graphName: "g", opset: 19)
        builder.addInput("x", .float32, shape: [1, 2, 3, 3])
        builder.addOutput("y", .float32, shape: [1, 2, 3, 3])
        var rng = PCG32(seed: 7)
        builder.addInitializer("w", try HostArray(shape: [2, 2, 2, 2], values: Tensor.normal([16], std: 0.5, using: &rng).scalars))
        builder.addInitializer("roi", try HostArray(shape: [0], values: [Float]()))
        builder.addInitializer("scales", try HostArray(shape: [4], values: [Float(1), 1, 1.5, 1.5]))
        builder.addInitializer("pads", try HostArray(shape: [8], values: [Int64(0), 0, 1, 1, 0, 0, 1, 0]))
        builder.addNode("Resize", inputs: ["x", "roi", "scales"], outputs: ["r"], attributes: ["mode": .string("cubic")])  // 4×4
        builder.addNode("Pad", inputs: ["r", "pads"], outputs: ["p"], attributes: ["mode": .string("reflect")])  // 6×5
        builder.addNode("ConvTranspose", inputs: ["p", "w"], outputs: ["c"], attributes: ["strides": .ints([2, 2]), "pads": .ints([1, 1, 1, 1])])  // 10×8
        builder.addNode("AveragePool", inputs: ["c"], outputs: ["m"], attributes: ["kernel_shape": .ints([3, 3]), "strides": .ints([3, 3]), "ceil_mode": .int(1)])  // 4×3
        builder.addNode("Transpose", inputs: ["m"], outputs: ["t"], attributes: ["perm": .ints([0, 1, 3, 2])])  // [1, 2, 3, 4]
        builder.addNode("MatMul", inputs: ["t", "m"], outputs: ["q"])  // [1, 2, 3, 3]
        builder.addNode("Sigmoid", inputs: ["x"], outputs: ["s"])
        builder.addNode("Div", inputs: ["q", "s"], outputs: ["y"])
        return builder.build()
    }

    @Test func gradientsMatchFiniteDifferences() throws {
        let graph = try ONNXGraph(try Self.model())
        var rng = PCG32(seed: 8)
        let x = Tensor.normal([1, 2, 3, 3], using: &rng)
        let weights = Tensor.uniform([1, 2, 3, 3], low: -1, high: 1, using: &rng)
        func objective(_ input: Tensor, differentiable: Bool) throws -> (Double, Variable?) {
            let outputs = try graph.run(["x": try HostArray(shape: input.shape, values: input.scalars)], differentiable: differentiable ? ["x"] : [])
            guard case .variable(let y)? = outputs["y"] else { throw TensorError.invalidArgument(op: "test", detail: "no y", hint: "") }
            if differentiable {
                try y.backward(seed: weights)
                guard case .variable(let leaf)? = outputs["x"] else { return (0, nil) }
                return (0, leaf)
            }
            return (zip(y.value.scalars, weights.scalars).reduce(0) { $0 + Double($1.0) * Double($1.1) }, nil)
        }
        try Engine.$kernels.withValue(ReferenceKernels()) {
            let leaf = try #require(try objective(x, differentiable: true).1)
            let analytic = try #require(leaf.grad)
            let eps: Float = 1e-2
            for element in 0..<x.count {
                var plus = x, minus = x
                plus.scalars[element] += eps
                minus.scalars[element] -= eps
                let numeric = Float((try objective(plus, differentiable: false).0 - objective(minus, differentiable: false).0) / Double(2 * eps))
                #expect(abs(analytic.scalars[element] - numeric) <= 1e-2 + 1e-2 * abs(numeric), "element \(element): \(analytic.scalars[element]) vs \(numeric)")
            }
        }
    }
}
