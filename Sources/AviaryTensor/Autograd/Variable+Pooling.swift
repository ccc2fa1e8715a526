extension Variable {
    private func poolGeometry(_ op: String, kernel: (Int, Int), options: Conv2DOptions) throws -> Conv2DGeometry {
        // `shape`, not `value.shape`: reading the value of a channels-last input would convert it.
        guard shape.count == 4 else {
            throw TensorError.shapeMismatch(op: op, detail: "input \(shape)", hint: "input must be [N, C, H, W]")
        }
        guard kernel.0 > 0, kernel.1 > 0 else {
            throw TensorError.invalidArgument(op: op, detail: "kernel \(kernel)", hint: "use a kernel of at least 1×1")
        }
        return try options.resolve(op: op, inputH: shape[2], inputW: shape[3], kernelH: kernel.0, kernelW: kernel.1)
    }

    /// Max pooling (`torch.nn.functional.max_pool2d`); `options.groups` is ignored.
    public func maxPool2d(kernel: (Int, Int), options: Conv2DOptions) throws -> Variable {
        let geometry = try poolGeometry("maxPool2d", kernel: kernel, options: options)
        let kernels = Engine.kernels
        if case let (scalars, layout) = laidOut, layout == .blocked16 {
            // Only inference makes blocked results, and they need no gradient.
            let (out, outLayout) = try kernels.maxPoolInference(input: scalars, layout: layout, channels: shape[1], geometry: geometry)
            return Variable(inference: out, layout: outLayout, shape: [shape[0], shape[1], geometry.outputH, geometry.outputW])
        }
        if let nhwc = channelsLast {
            // Inside a channels-last chain (ResNet's stem → pool → first block): stay channels-last.
            let (out, indices) = try kernels.maxPoolChannelsLast(input: nhwc, geometry: geometry)
            let parent = self, inputShape = nhwc.shape
            return Variable(channelsLast: out, parents: [self]) { gradOut in
                [Variable.gradient(try kernels.maxPoolChannelsLastBackward(gradOutput: gradOut, indices: indices, inputShape: inputShape, geometry: geometry), for: parent)]
            }
        }
        let (out, indices) = try kernels.maxPoolForward(input: value, geometry: geometry)
        let shape = value.shape
        return Variable(out, parents: [self]) { gradOut in
            [try kernels.maxPoolBackward(gradOutput: gradOut, indices: indices, inputShape: shape, geometry: geometry)]
        }
    }

    /// Average pooling (`avg_pool2d`, which has no dilation); `countIncludePad` as in PyTorch.
    public func avgPool2d(kernel: (Int, Int), options: Conv2DOptions, countIncludePad: Bool = true) throws -> Variable {
        guard options.dilationH == 1, options.dilationW == 1 else {
            throw TensorError.invalidArgument(op: "avgPool2d", detail: "dilation \(options.dilationH)×\(options.dilationW)", hint: "average pooling has no dilation; use 1")
        }
        let geometry = try poolGeometry("avgPool2d", kernel: kernel, options: options)
        let shape = value.shape, kernels = Engine.kernels
        return Variable(try kernels.avgPoolForward(input: value, geometry: geometry, countIncludePad: countIncludePad), parents: [self]) { gradOut in
            [try kernels.avgPoolBackward(gradOutput: gradOut, inputShape: shape, geometry: geometry, countIncludePad: countIncludePad)]
        }
    }

    /// Mean over H and W: [N, C, H, W] → [N, C, 1, 1].
    /// A channels-last input (the end of a conv chain) is averaged as it lies, and its gradient
    /// goes back channels-last: no layout conversion either way.
    public func globalAvgPool2d() throws -> Variable {
        guard shape.count == 4 else {
            throw TensorError.shapeMismatch(op: "globalAvgPool2d", detail: "input \(shape)", hint: "input must be [N, C, H, W]")
        }
        // Images (or 16-channel blocks) on the engine's threads, each summed as the reference
        // sums it: 1 ms of an EfficientNet-Lite0 b32 224 pass on one core.
        let split = { (images: Int, body: @Sendable (Range<Int>) -> Void) in ParallelRanges.forEach(images, grain: 4, body) }
        if case let (scalars, layout) = laidOut, layout == .blocked16 {
            let channels = shape[1], pooled = PoolingReference.globalAverageBlocked16Forward(input: scalars, channels: channels, split: split)
            DNNLReplayRecorder.current?.record(recomputing: pooled, reading: [scalars.scalars]) { PoolingReference.globalAverageBlocked16Forward(input: scalars, channels: channels, split: split) }
            return Variable(inference: pooled, layout: .nchw, shape: [shape[0], channels, 1, 1])
        }
        if let nhwc = channelsLast {
            let parent = self, pooled = PoolingReference.globalAverageChannelsLastForward(input: nhwc, split: split)
            DNNLReplayRecorder.current?.record(recomputing: pooled, reading: [nhwc.scalars]) { PoolingReference.globalAverageChannelsLastForward(input: nhwc, split: split) }
            return Variable(pooled, parents: [self], ruleKnowsLayouts: true) { gradOut in
                [Variable.gradient(PoolingReference.globalAverageChannelsLastBackward(gradOutput: gradOut, inputShape: nhwc.shape), for: parent)]
            }
        }
        let shape = value.shape
        return Variable(PoolingReference.globalAverageForward(input: value), parents: [self]) { gradOut in
            [PoolingReference.globalAverageBackward(gradOutput: gradOut, inputShape: shape)]
        }
    }
}
