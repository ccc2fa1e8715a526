extension Variable {
    /// Transposed 2-D convolution (`torch.nn.functional.conv_transpose2d`, ONNX ConvTranspose) of
    /// NCHW input with [C, M/groups, KH, KW] weights: exactly the input gradient of the convolution
    /// that maps [N, M, H', W'] to this input, so it runs on the same kernels (oneDNN's backward-data
    /// convolution is its deconvolution) and its gradients are that convolution's forward and
    /// weight-gradient passes. `outputPadding` adds rows/columns at the bottom/right (< stride).
    public func convTranspose2d(weight: Variable, bias: Variable? = nil, options: Conv2DOptions = Conv2DOptions(),
                                outputPadding: (height: Int, width: Int) = (0, 0)) throws -> Variable {
        let op = "convTranspose2d"
        let x = shape, w = weight.shape
        guard x.count == 4, w.count == 4, x[1] == w[0], w[0] % options.groups == 0 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(x), weight \(w), groups \(options.groups)",
                                            hint: "input must be [N, C, H, W] and weight [C, M/groups, KH, KW] with C divisible by groups")
        }
        guard case let .explicit(top, left, bottom, right) = options.padding else {
            throw TensorError.invalidArgument(op: op, detail: "SAME padding", hint: "give explicit pads (ONNX auto_pad is resolved by the importer)")
        }
        guard (0..<max(options.strideH, options.dilationH)).contains(outputPadding.height),
              (0..<max(options.strideW, options.dilationW)).contains(outputPadding.width) else {
            throw TensorError.invalidArgument(op: op, detail: "output padding \(outputPadding)", hint: "use 0 ≤ output padding < stride")
        }
        let channels = w[1] * options.groups
        let outH = options.strideH * (x[2] - 1) + outputPadding.height + (w[2] - 1) * options.dilationH + 1 - top - bottom
        let outW = options.strideW * (x[3] - 1) + outputPadding.width + (w[3] - 1) * options.dilationW + 1 - left - right
        guard outH > 0, outW > 0 else {
            throw TensorError.shapeMismatch(op: op, detail: "output \(outH)×\(outW) from input \(x) and weight \(w)", hint: "pad less")
        }
        if let bias, bias.shape != [channels] {
            throw TensorError.shapeMismatch(op: op, detail: "bias \(bias.shape) for \(channels) output channels", hint: "bias must be [\(channels)]")
        }
        let outShape = [x[0], channels, outH, outW]
        let geometry = try options.resolve(op: op, inputH: outH, inputW: outW, kernelH: w[2], kernelW: w[3])
        guard geometry.outputH == x[2], geometry.outputW == x[3] else {
            throw TensorError.shapeMismatch(op: op, detail: "output \(outH)×\(outW) does not convolve back to \(x[2])×\(x[3])", hint: "check strides, pads and output padding")
        }
        let kernels = Engine.kernels
        let input = value, weights = weight.value
        var out = try kernels.conv2dBackwardData(gradOutput: input, weight: weights, inputShape: outShape, geometry: geometry)
        if let b = bias?.value.scalars {
            let plane = outH * outW
            for index in 0..<out.count { out.scalars[index] += b[(index / plane) % channels] }
        }
        let needInput = requiresGrad, needWeight = weight.requiresGrad
        return Variable(out, parents: [self, weight] + (bias.map { [$0] } ?? [])) { gradOut in
            let gradIn = needInput ? try kernels.conv2dForward(input: gradOut, weight: weights, bias: nil, geometry: geometry) : nil
            let gradWeight = needWeight
                ? try kernels.conv2dBackwardWeights(input: gradOut, gradOutput: input, weightShape: w, geometry: geometry).weight : nil
            let plane = outH * outW
            var gradBias = [Float](repeating: 0, count: channels)
            for index in 0..<gradOut.count { gradBias[(index / plane) % channels] += gradOut.scalars[index] }
            return [gradIn, gradWeight, Tensor(uncheckedShape: [channels], scalars: gradBias)]
        }
    }
}
