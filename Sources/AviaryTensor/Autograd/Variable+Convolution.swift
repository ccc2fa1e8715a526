extension Variable {
    /// 2-D convolution of NCHW input with OIHW weights (I = C / groups), as `torch.nn.functional.conv2d`;
    /// depthwise is `groups == C`. Runs on `Engine.kernels`.
    public func conv2d(weight: Variable, bias: Variable? = nil, options: Conv2DOptions = Conv2DOptions()) throws -> Variable {
        let op = "conv2d"
        let x = value.shape, w = weight.shape
        guard x.count == 4, w.count == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(x), weight \(w)", hint: "input must be [N, C, H, W] and weight [O, C/groups, KH, KW]")
        }
        guard x[1] % options.groups == 0, w[0] % options.groups == 0, w[1] * options.groups == x[1] else {
            throw TensorError.shapeMismatch(op: op, detail: "input has \(x[1]) channels, weight \(w) with groups \(options.groups)", hint: "weight.shape[1] × groups must equal the input channels and divide the output channels")
        }
        if let bias, bias.shape != [w[0]] {
            throw TensorError.shapeMismatch(op: op, detail: "bias \(bias.shape) for \(w[0]) output channels", hint: "bias must be [\(w[0])]")
        }
        let geometry = try options.resolve(op: op, inputH: x[2], inputW: x[3], kernelH: w[2], kernelW: w[3])
        let kernels = Engine.kernels
        let input = value, weights = weight.value
        let out = try kernels.conv2dForward(input: input, weight: weights, bias: bias?.value, geometry: geometry)
        let parents = [self, weight] + (bias.map { [$0] } ?? [])
        let needInput = requiresGrad, needWeight = weight.requiresGrad || (bias?.requiresGrad ?? false)
        return Variable(out, parents: parents) { gradOut in
            let gradIn = needInput ? try kernels.conv2dBackwardData(gradOutput: gradOut, weight: weights, inputShape: x, geometry: geometry) : nil
            guard needWeight else { return [gradIn, nil, nil] }
            let (gw, gb) = try kernels.conv2dBackwardWeights(input: input, gradOutput: gradOut, weightShape: w, geometry: geometry)
            return [gradIn, gw, gb]
        }
    }
}
