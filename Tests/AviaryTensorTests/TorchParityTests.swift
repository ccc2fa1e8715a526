import AviaryTensor
import Foundation
import Testing

/// Outputs and gradients of each op against PyTorch CPU (Fixtures/ops.avta, written by
/// Fixtures/make_fixtures.py), on both backends. Tolerance: |a − b| ≤ 1e-4 + 1e-4·|b|.
@Suite struct TorchParityTests {
    static let fixtures: TensorArchive? = try? TensorArchive(
        contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures/ops.avta"))

    struct Case: Sendable, CustomStringConvertible {
        var name: String
        var inputs: Int
        var op: @Sendable ([Variable]) throws -> Variable
        var description: String { name }
    }

    static let cases: [Case] = [
        Case(name: "conv.basic", inputs: 3) { v in try v[0].conv2d(weight: v[1], bias: v[2], options: Conv2DOptions(stride: 1, padding: 1)) },
        Case(name: "conv.asym", inputs: 3) { v in
            try v[0].conv2d(weight: v[1], bias: v[2], options: Conv2DOptions(strideH: 2, strideW: 2, padding: .explicit(top: 0, left: 1, bottom: 1, right: 2)))
        },
        Case(name: "conv.same", inputs: 2) { v in try v[0].conv2d(weight: v[1], options: Conv2DOptions(strideH: 2, strideW: 2, padding: .same)) },
        Case(name: "conv.dilated", inputs: 3) { v in try v[0].conv2d(weight: v[1], bias: v[2], options: Conv2DOptions(stride: 1, padding: 2, dilation: 2)) },
        Case(name: "conv.groups", inputs: 3) { v in try v[0].conv2d(weight: v[1], bias: v[2], options: Conv2DOptions(stride: 1, padding: 1, groups: 2)) },
        Case(name: "conv.depthwise", inputs: 2) { v in try v[0].conv2d(weight: v[1], options: Conv2DOptions(stride: 2, padding: 1, groups: 4)) },
        Case(name: "bn.eval", inputs: 3) { v in
            var rm = try Tensor(shape: [3], scalars: [0.1, -0.2, 0.3]), rv = try Tensor(shape: [3], scalars: [0.5, 1.5, 2])
            return try v[0].batchNorm(gamma: v[1], beta: v[2], runningMean: &rm, runningVar: &rv, training: false)
        },
        Case(name: "act.relu", inputs: 1) { v in v[0].relu() },
        Case(name: "act.relu6", inputs: 1) { v in v[0].relu6() },
        Case(name: "act.hardswish", inputs: 1) { v in v[0].hardSwish() },
        Case(name: "act.hardsigmoid", inputs: 1) { v in v[0].hardSigmoid() },
        Case(name: "act.sigmoid", inputs: 1) { v in v[0].sigmoid() },
        Case(name: "act.silu", inputs: 1) { v in v[0].silu() },
        Case(name: "pool.max", inputs: 1) { v in try v[0].maxPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1)) },
        Case(name: "pool.avg", inputs: 1) { v in try v[0].avgPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1)) },
        Case(name: "pool.avg_nopad", inputs: 1) { v in try v[0].avgPool2d(kernel: (3, 3), options: Conv2DOptions(stride: 2, padding: 1), countIncludePad: false) },
        Case(name: "pool.global", inputs: 1) { v in try v[0].globalAvgPool2d() },
        Case(name: "linear", inputs: 3) { v in try v[0].linear(weight: v[1], bias: v[2]) },
        Case(name: "matmul", inputs: 2) { v in try v[0].matmul(v[1]) },
        Case(name: "add.broadcast", inputs: 2) { v in try v[0] + v[1] },
        Case(name: "mul.broadcast", inputs: 2) { v in try v[0] * v[1] },
        Case(name: "concat", inputs: 2) { v in try Variable.concat(v, axis: 1) },
        Case(name: "softmax", inputs: 1) { v in try v[0].softmax(axis: 1) },
        Case(name: "ce.plain", inputs: 1) { v in try v[0].crossEntropy(targets: try targets()) },
        Case(name: "ce.smooth_weighted", inputs: 1) { v in
            try v[0].crossEntropy(targets: try targets(), classWeights: try #require(fixtures).require("ce.weights"), labelSmoothing: 0.1)
        },
    ]

    static func targets() throws -> [Int] {
        try #require(fixtures).require("ce.targets").scalars.map { Int($0) }
    }

    static let backends: [any Kernels] = [ReferenceKernels(), DNNLKernels.shared]

    @Test(arguments: cases)
    func matchesPyTorch(_ c: Case) throws {
        let archive = try #require(Self.fixtures, "Fixtures/ops.avta missing: run Fixtures/make_fixtures.py")
        for backend in Self.backends {
            try Engine.$kernels.withValue(backend) {
                let inputs = try (0..<c.inputs).map { Variable(try archive.require("\(c.name).in\($0)"), requiresGrad: true) }
                let out = try c.op(inputs)
                let expected = try archive.require("\(c.name).out")
                #expect(out.value.reshapedIfScalar(expected.shape).isClose(to: expected, atol: 1e-4, rtol: 1e-4), "\(c.name) output on \(backend.name)")
                try out.backward(seed: try archive.require("\(c.name).seed").reshapedIfScalar(out.shape))
                for (i, input) in inputs.enumerated() {
                    let grad = try #require(input.grad)
                    #expect(grad.isClose(to: try archive.require("\(c.name).grad\(i)"), atol: 1e-4, rtol: 1e-4), "\(c.name) grad\(i) on \(backend.name)")
                }
            }
        }
    }

    @Test func batchNormTrainingMatchesPyTorchIncludingRunningStatistics() throws {
        let archive = try #require(Self.fixtures)
        let inputs = try (0..<3).map { Variable(try archive.require("bn.train.in\($0)"), requiresGrad: true) }
        var rm = Tensor(zeros: [3]), rv = Tensor(shape: [3], repeating: 1)
        let out = try inputs[0].batchNorm(gamma: inputs[1], beta: inputs[2], runningMean: &rm, runningVar: &rv, training: true)
        #expect(out.value.isClose(to: try archive.require("bn.train.out"), atol: 1e-4, rtol: 1e-4))
        #expect(rm.isClose(to: try archive.require("bn.train.running_mean"), atol: 1e-6, rtol: 1e-5))
        #expect(rv.isClose(to: try archive.require("bn.train.running_var"), atol: 1e-6, rtol: 1e-5))
        try out.backward(seed: try archive.require("bn.train.seed"))
        for i in 0..<3 {
            #expect(try #require(inputs[i].grad).isClose(to: try archive.require("bn.train.grad\(i)"), atol: 1e-4, rtol: 1e-4))
        }
    }
}

extension Tensor {
    /// PyTorch writes a scalar loss with shape []; so do we, but keep tests robust to [1].
    func reshapedIfScalar(_ shape: [Int]) -> Tensor {
        count == shape.reduce(1, *) ? (try? reshaped(to: shape)) ?? self : self
    }
}
