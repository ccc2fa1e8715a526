import AviaryTensor

extension ImportedModule {
    /// A 1×1 expansion chain and the depthwise chain that alone reads it (`ConvChain.next`), as one
    /// `Variable.pointwiseDepthwiseInference`: the zoo's MobileNetV2 and EfficientNet blocks
    /// imported from ONNX run the way the zoo runs them, one oneDNN kernel where it pays
    /// (`DNNLPointwiseDepthwise`). Returns the result, the name it is bound to and every position
    /// it ran; nil when the pair is not a 1×1 then a depthwise convolution, or a chain does not
    /// fit this pass's values (each then runs on its own).
    func runFusedPair(_ first: ConvChain, _ second: ConvChain, _ values: [String: ImportedValue]) throws -> (Variable, output: String, ran: [Int])? {
        guard case .variable(let x)? = values[steps[first.conv].node.input[0]],
              let pointwise = try prepare(first, input: x.shape, values), pointwise.residual == nil,
              pointwise.weight.shape.suffix(2) == [1, 1], pointwise.options.groups == 1,
              let depthwise = try prepare(second, input: pointwise.output, values), depthwise.residual == nil,
              depthwise.options.groups == pointwise.output[1], depthwise.weight.shape[1] == 1
        else { return nil }
        let result = try x.pointwiseDepthwiseInference(
            pointwise: (pointwise.weight, pointwise.bias, pointwise.options, pointwise.chain.activation?.kind),
            depthwise: (depthwise.weight, depthwise.bias, depthwise.options, depthwise.chain.activation?.kind))
        return (result, depthwise.chain.output, pointwise.chain.fusedAfterConv + [second.conv] + depthwise.chain.fusedAfterConv)
    }
}
