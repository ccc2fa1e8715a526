import CDNNL

/// conv → batch norm in training with the convolution's result kept in oneDNN's blocked layout.
///
/// Dense convolutions with windows over 1×1 train on nChw16c activations (`trainsBlocked`), and
/// each NHWC hand-over cost a reorder: the result out of the forward pass, the gradient into the
/// backward-data and backward-weights passes. Here the batch norm reads the blocked result and
/// writes NHWC, and its backward pass writes the input gradient blocked, so those three reorders
/// per convolution are gone (ResNet-18 b32 112 training: 33 of its 65 + 33 activation reorders a step).
///
/// Asked for (`blockedOutput`, no residual), the batch norm writes nChw16c too, and the next
/// dense convolution reads it as it is: a ResNet block's first batch norm hands its second
/// convolution the layout that convolution's forward and backward-weights passes take, so
/// neither reorders its input.
extension DNNLKernels {
    public func convBatchNormActivationChannelsLast(
        input: Tensor, inputLayout: ActivationLayout, weight: Tensor, bias: Tensor?, geometry g: Conv2DGeometry,
        gamma: Tensor, beta: Tensor, residual: Tensor?, activation: Activation?, epsilon: Float, blockedOutput: Bool
    ) throws -> ConvBatchNormForward {
        let key = ConvolutionKey(training: input.shape, inputLayout: inputLayout, weight: weight.shape, geometry: g)
        guard input.rank == (inputLayout == .blocked16 ? 5 : 4), activation?.fusesIntoBatchNorm ?? true, DNNLConvolution.trainsBlocked(key),
              let conv = try convolution(key), conv.writesBlocked16, let stream,
              let pass = try run({ try conv.forwardKeepingWeight(input: input, weight: weight, bias: bias, blockedOutput: true,
                                                                 keepingInput: input.count * MemoryLayout<Float>.stride <= DNNLConvolution.keptInputBytes, stream: stream, pool: pool) })
        else {
            let (x, channelsLast) = channelsLastOrPlain(input, inputLayout, channels: weight.shape[1] * g.groups)
            return try convBatchNormByParts(self, input: x, inputChannelsLast: channelsLast, weight: weight, bias: bias, geometry: g,
                                            gamma: gamma, beta: beta, residual: residual, activation: activation, epsilon: epsilon)
        }
        let blocked = pass.output
        let n = key.input[0], channels = weight.shape[0], pixels = g.outputH * g.outputW
        // With a residual the backward pass reads the output for the activation's mask, as NHWC.
        let outputBlocked = blockedOutput && residual == nil
        let (out, mean, variance) = ChannelsLastBatchNorm.training(
            blocked.scalars, channels: channels, gamma: gamma.scalars, beta: beta.scalars, residual: residual?.scalars,
            activation: activation, epsilon: epsilon, blockedPixels: pixels, blockedOutput: outputBlocked)
        let outShape = outputBlocked ? blocked.shape : [n, g.outputH, g.outputW, channels]
        return ConvBatchNormForward(output: Tensor(uncheckedShape: outShape, scalars: out), mean: mean, variance: variance,
                                    convolution: blocked, blockedPixels: pixels, maskBeta: residual == nil ? beta : nil, keptWeight: pass.keptWeight, keptInput: pass.keptInput,
                                    outputBlocked: outputBlocked)
    }

    public func convBatchNormActivationChannelsLastBackward(
        gradOutput: Tensor, forward: ConvBatchNormForward, input: Tensor, inputLayout: ActivationLayout, weight: Tensor, geometry g: Conv2DGeometry,
        gamma: Tensor, activation: Activation?, epsilon: Float, needInput: Bool, needWeights: Bool, needBias: Bool, needResidual: Bool
    ) throws -> ConvBatchNormGradients {
        guard let pixels = forward.blockedPixels else {
            let (x, channelsLast) = channelsLastOrPlain(input, inputLayout, channels: weight.shape[1] * g.groups)
            if channelsLast, PointwiseConvolution.handles(weight: weight.shape, geometry: g),
               PointwiseBatchNormBackward.handles(rows: x.count / weight.shape[1], inputChannels: weight.shape[1], outputChannels: weight.shape[0]),
               let grads = PointwiseBatchNormBackward.run(self, gradOutput: gradOutput, forward: forward, input: x, weight: weight, gamma: gamma, activation: activation,
                                                          epsilon: epsilon, needInput: needInput, needWeights: needWeights, needBias: needBias, needResidual: needResidual) {
                return grads
            }
            return try convBatchNormBackwardByParts(self, gradOutput: gradOutput, forward: forward, input: x, inputChannelsLast: channelsLast,
                                                    weight: weight, geometry: g, gamma: gamma, activation: activation, epsilon: epsilon,
                                                    needInput: needInput, needWeights: needWeights, needBias: needBias, needResidual: needResidual)
        }
        let channels = weight.shape[0]
        let bn = ChannelsLastBatchNorm.backward(
            gradOutput: gradOutput.scalars, input: forward.convolution.scalars, output: forward.output.scalars, channels: channels,
            gamma: gamma.scalars, beta: forward.maskBeta?.scalars, mean: forward.mean, variance: forward.variance, activation: activation, epsilon: epsilon,
            needResidual: needResidual, blockedPixels: pixels)
        let blockedGradient = Tensor(uncheckedShape: forward.convolution.shape, scalars: bn.input)
        func gradients(_ convolution: ConvolutionGradients) -> ConvBatchNormGradients {
            ConvBatchNormGradients(convolution: convolution, gamma: Tensor(uncheckedShape: [channels], scalars: bn.gamma),
                                   beta: Tensor(uncheckedShape: [channels], scalars: bn.beta), residual: bn.residual.map { Tensor(uncheckedShape: gradOutput.shape, scalars: $0) })
        }
        let key = ConvolutionKey(training: input.shape, inputLayout: inputLayout, weight: weight.shape, geometry: g)
        if let conv = try convolution(key), let stream, let grads = try run({ () throws -> ConvolutionGradients in
            var grads = ConvolutionGradients()
            if needInput {
                grads.input = try conv.backwardData(gradOutput: blockedGradient, gradOutputBlocked: true, weight: weight, keptWeight: forward.keptWeight, stream: stream, pool: pool)
            }
            if needWeights {
                (grads.weight, grads.bias) = try conv.backwardWeights(input: input, gradOutput: blockedGradient, gradOutputBlocked: true, keptInput: forward.keptInput,
                                                                      needBias: needBias, stream: stream, pool: pool)
            }
            return grads
        }) {
            return gradients(grads)
        }
        // A backward primitive refused: the channels-last path, from the gradient unblocked.
        let nhwc = Tensor(uncheckedShape: gradOutput.shape, scalars: ChannelsLastBatchNorm.unblocked(bn.input, channels: channels, pixels: pixels))
        let (x, channelsLast) = channelsLastOrPlain(input, inputLayout, channels: weight.shape[1] * g.groups)
        let grads = try conv2dTrainingChannelsLastBackward(gradOutput: nhwc, input: x, inputChannelsLast: channelsLast, weight: weight, geometry: g,
                                                           needInput: needInput, needWeights: needWeights, needBias: needBias)
        return gradients(grads)
    }
}
