import AviaryTensor
import Testing

struct ConvTransposeCase: Sendable, CustomStringConvertible {
    var name: String
    var input: [Int]
    var weight: [Int]
    var options: Conv2DOptions
    var outputPadding = (height: 0, width: 0)
    var description: String { name }

    static let all: [ConvTransposeCase] = [
        ConvTransposeCase(name: "3x3 stride 1", input: [2, 3, 4, 4], weight: [3, 2, 3, 3], options: Conv2DOptions()),
        ConvTransposeCase(name: "stride 2 pads 1 output padding 1", input: [1, 2, 3, 4], weight: [2, 3, 3, 3],
                          options: Conv2DOptions(stride: 2, padding: 1), outputPadding: (1, 1)),
        ConvTransposeCase(name: "stride 3×2 asymmetric pads", input: [1, 2, 3, 3], weight: [2, 2, 3, 2],
                          options: Conv2DOptions(strideH: 3, strideW: 2, padding: .explicit(top: 1, left: 0, bottom: 2, right: 1))),
        ConvTransposeCase(name: "dilation 2", input: [1, 1, 3, 3], weight: [1, 2, 2, 2], options: Conv2DOptions(dilation: 2)),
        ConvTransposeCase(name: "groups 2", input: [2, 4, 3, 3], weight: [4, 3, 3, 3], options: Conv2DOptions(stride: 2, groups: 2)),
    ]
}

@Suite struct ConvTransposeTests {
    @Test(arguments: ConvTransposeCase.all)
    func gradientsMatchFiniteDifferences(_ c: ConvTransposeCase) throws {
        let channels = c.weight[1] * c.options.groups
        let inputs = [randomTensor(c.input, seed: 21), randomTensor(c.weight, seed: 22, scale: 0.5), randomTensor([channels], seed: 23)]
        try checkGradients(inputs) { v in
            try v[0].convTranspose2d(weight: v[1], bias: v[2], options: c.options, outputPadding: c.outputPadding)
        }
    }

    /// oneDNN (its backward-data convolution) against the reference, forward and backward.
    @Test(arguments: ConvTransposeCase.all)
    func oneDNNMatchesReference(_ c: ConvTransposeCase) throws {
        let x = randomTensor(c.input, seed: 24), w = randomTensor(c.weight, seed: 25, scale: 0.5)
        func run(_ kernels: any Kernels) throws -> (Tensor, Tensor, Tensor) {
            try Engine.$kernels.withValue(kernels) {
                let input = Variable(x, requiresGrad: true), weight = Variable(w, requiresGrad: true)
                let y = try input.convTranspose2d(weight: weight, options: c.options, outputPadding: c.outputPadding)
                try y.backward(seed: randomTensor(y.shape, seed: 26))
                return (y.value, try #require(input.grad), try #require(weight.grad))
            }
        }
        let fast = try run(DNNLKernels.shared), slow = try run(ReferenceKernels())
        #expect(fast.0.isClose(to: slow.0, atol: 1e-4, rtol: 1e-4))
        #expect(fast.1.isClose(to: slow.1, atol: 1e-4, rtol: 1e-4))
        #expect(fast.2.isClose(to: slow.2, atol: 1e-3, rtol: 1e-4))
    }

    /// torch.nn.functional.conv_transpose2d(arange(1, 5).view(1, 1, 2, 2), ones(1, 1, 2, 2)).
    @Test func knownValues() throws {
        let x = Variable(try Tensor(shape: [1, 1, 2, 2], scalars: [1, 2, 3, 4]))
        let y = try Engine.$kernels.withValue(ReferenceKernels()) { try x.convTranspose2d(weight: Variable(Tensor(shape: [1, 1, 2, 2], repeating: 1))) }
        #expect(y.shape == [1, 1, 3, 3])
        #expect(y.value.scalars == [1, 3, 2, 4, 10, 6, 3, 7, 4])
    }

    @Test func badArgumentsThrow() {
        let x = Variable(Tensor(zeros: [1, 2, 3, 3]))
        #expect(throws: TensorError.self) { try x.convTranspose2d(weight: Variable(Tensor(zeros: [3, 1, 2, 2]))) }
        #expect(throws: TensorError.self) {
            try x.convTranspose2d(weight: Variable(Tensor(zeros: [2, 1, 2, 2])), options: Conv2DOptions(stride: 2), outputPadding: (2, 0))
        }
    }
}
