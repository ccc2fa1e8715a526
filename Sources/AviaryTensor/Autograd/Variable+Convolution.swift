extension Variable {
    /// 2-D convolution of NCHW input with OIHW weights (I = C / groups), as `torch.nn.functional.conv2d`;
    /// depthwise is `groups == C`. Runs on `Engine.kernels`.
    public func conv2d(weight: Variable, bias: Variable? = nil, options: Conv2DOptions = Conv2DOptions()) throws -> Variable {
        let x = value.shape, w = weight.shape
        let geometry = try Variable.convolutionGeometry(input: x, weight: w, bias: bias?.shape, options: options)
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

    /// Convolution, residual add and activation in one pass, for inference: the result records
    /// no gradient. Models use it with batch norm folded into `weight` and `bias`
    /// (`BatchNorm2d.folded`). The result stays in the layout the kernel wrote (NHWC, or oneDNN's
    /// nChw16c) so that the next `conv2dInference` reads it without a conversion; reading `value`
    /// converts it.
    /// `residual` (shaped like the output) is added before `activation`.
    public func conv2dInference(weight: Tensor, bias: Tensor?, options: Conv2DOptions = Conv2DOptions(), activation: Activation?, residual: Variable? = nil) throws -> Variable {
        let geometry = try Variable.convolutionGeometry(input: shape, weight: weight.shape, bias: bias?.shape, options: options)
        let outShape = [shape[0], weight.shape[0], geometry.outputH, geometry.outputW]
        if let residual, residual.shape != outShape {
            throw TensorError.shapeMismatch(op: "conv2d residual", detail: "residual \(residual.shape) for output \(outShape)", hint: "the residual must be shaped like the convolution's output")
        }
        let (input, layout) = laidOut
        let (out, outLayout) = try Engine.kernels.conv2dInference(
            input: input, layout: layout, weight: weight, bias: bias, geometry: geometry, activation: activation, residual: residual?.laidOut)
        return Variable(inference: out, layout: outLayout, shape: outShape)
    }

    /// A convolution's weights, options and activation for `pointwiseDepthwiseInference`.
    public typealias InferenceLayer = (weight: Tensor, bias: Tensor?, options: Conv2DOptions, activation: Activation?)

    /// `conv2dInference` twice, a 1×1 `pointwise` layer then a depthwise one, as one call so that
    /// a backend may fuse them (`Kernels.pointwiseDepthwiseInference`).
    public func pointwiseDepthwiseInference(pointwise: InferenceLayer, depthwise: InferenceLayer) throws -> Variable {
        let first = try Variable.convolutionGeometry(input: shape, weight: pointwise.weight.shape, bias: pointwise.bias?.shape, options: pointwise.options)
        let hidden = [shape[0], pointwise.weight.shape[0], first.outputH, first.outputW]
        let second = try Variable.convolutionGeometry(input: hidden, weight: depthwise.weight.shape, bias: depthwise.bias?.shape, options: depthwise.options)
        let (input, layout) = laidOut
        let (out, outLayout) = try Engine.kernels.pointwiseDepthwiseInference(
            input: input, layout: layout,
            pointwise: InferenceConvolution(weight: pointwise.weight, bias: pointwise.bias, geometry: first, activation: pointwise.activation),
            depthwise: InferenceConvolution(weight: depthwise.weight, bias: depthwise.bias, geometry: second, activation: depthwise.activation))
        return Variable(inference: out, layout: outLayout, shape: [shape[0], depthwise.weight.shape[0], second.outputH, second.outputW])
    }

    static func convolutionGeometry(input x: [Int], weight w: [Int], bias: [Int]?, options: Conv2DOptions) throws -> Conv2DGeometry {
        let op = "conv2d"
        guard x.count == 4, w.count == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(x), weight \(w)", hint: "input must be [N, C, H, W] and weight [O, C/groups, KH, KW]")
        }
        guard x[1] % options.groups == 0, w[0] % options.groups == 0, w[1] * options.groups == x[1] else {
            throw TensorError.shapeMismatch(op: op, detail: "input has \(x[1]) channels, weight \(w) with groups \(options.groups)", hint: "weight.shape[1] × groups must equal the input channels and divide the output channels")
        }
        if let bias, bias != [w[0]] {
            throw TensorError.shapeMismatch(op: op, detail: "bias \(bias) for \(w[0]) output channels", hint: "bias must be [\(w[0])]")
        }
        return try options.resolve(op: op, inputH: x[2], inputW: x[3], kernelH: w[2], kernelW: w[3])
    }
}
