import CDNNL

extension DNNLKernels {
    /// `input` is the logical NCHW shape; `layout` how the data lies (NCHW, or NHWC for channels-last chains).
    private func poolingForwardPrimitive(_ algorithm: dnnl_alg_kind_t, input: [Int], geometry g: Conv2DGeometry, engine: dnnl_engine_t,
                                         layout: dnnl_format_tag_t = dnnl_nchw) throws -> DNNLPrimitive {
        let key = "pooling forward \(algorithm.rawValue) \(input) \(g) \(layout.rawValue)"
        return try cached(key, engine: engine) { engine in
            var src = try dnnlDesc(input, layout, op: key)
            var dst = try dnnlDesc([input[0], input[1], g.outputH, g.outputW], layout, op: key)
            var desc = dnnl_pooling_v2_desc_t()
            let (strides, kernel, dilation, padL, padR) = DNNLKernels.poolingWindow(g)
            try dnnlCheck(dnnl_pooling_v2_forward_desc_init(&desc, dnnl_forward_training, algorithm, &src, &dst, strides, kernel, dilation, padL, padR), key, "dnnl_pooling_v2_forward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine)
        }
    }

    private static func poolingWindow(_ g: Conv2DGeometry) -> ([Int64], [Int64], [Int64], [Int64], [Int64]) {
        ([Int64(g.strideH), Int64(g.strideW)], [Int64(g.kernelH), Int64(g.kernelW)], [Int64(g.dilationH - 1), Int64(g.dilationW - 1)],
         [Int64(g.padTop), Int64(g.padLeft)], [Int64(g.padBottom), Int64(g.padRight)])
    }

    /// `inputShape` and `gradOutput.shape` are logical NCHW; `layout` how the data lies.
    private func poolingBackward(_ algorithm: dnnl_alg_kind_t, gradOutput: Tensor, workspace: [UInt8]?, inputShape: [Int], geometry g: Conv2DGeometry,
                                 layout: dnnl_format_tag_t = dnnl_nchw) throws -> [Float]? {
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        var ws = workspace ?? []
        let outputShape = [inputShape[0], inputShape[1], g.outputH, g.outputW]
        let key = "pooling backward \(algorithm.rawValue) \(inputShape) \(g) \(layout.rawValue)"
        let ran = try runPlain(key, make: { engine in
            let hint = try poolingForwardPrimitive(algorithm, input: inputShape, geometry: g, engine: engine, layout: layout)
            var diffSrc = try dnnlDesc(inputShape, layout, op: key), diffDst = try dnnlDesc(outputShape, layout, op: key)
            var desc = dnnl_pooling_v2_desc_t()
            let (strides, kernel, dilation, padL, padR) = DNNLKernels.poolingWindow(g)
            try dnnlCheck(dnnl_pooling_v2_backward_desc_init(&desc, algorithm, &diffSrc, &diffDst, strides, kernel, dilation, padL, padR), key, "dnnl_pooling_v2_backward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine, hint: hint.descriptor)
        }) { primitive, exec in
            try exec.plain(DNNLArgument.diffDst, try dnnlDesc(outputShape, layout, op: key), exec.readOnly(gradOutput.scalars), engine: engine!)
            try exec.plain(DNNLArgument.diffSrc, try dnnlDesc(inputShape, layout, op: key), &dx, engine: engine!)
            if workspace != nil { try exec.plain(DNNLArgument.workspace, primitive.desc(dnnl_query_workspace_md), &ws, engine: engine!) }
        }
        return ran ? dx : nil
    }

    /// Max pooling on oneDNN of NCHW data (`shape` [N, C, H, W]) or of NHWC data (logical `shape`
    /// still NCHW, `layout` NHWC); the scalars come back in the same layout, nil where oneDNN refused.
    private func maxPool(_ input: Tensor, shape: [Int], geometry g: Conv2DGeometry, layout: dnnl_format_tag_t) throws -> ([Float], PoolingIndices)? {
        let outputShape = [shape[0], shape[1], g.outputH, g.outputW]
        var outputDesc = try dnnlDesc(outputShape, layout, op: "maxpool")
        var out = uninitializedScalars(dnnl_memory_desc_get_size(&outputDesc) / MemoryLayout<Float>.stride)
        var workspace: [UInt8] = []
        let ran = try runPlain("pooling forward \(dnnl_pooling_max.rawValue) \(shape) \(g) \(layout.rawValue)", make: { engine in
            try poolingForwardPrimitive(dnnl_pooling_max, input: shape, geometry: g, engine: engine, layout: layout)
        }) { primitive, exec in
            var wsDesc = primitive.desc(dnnl_query_workspace_md)
            workspace = [UInt8](repeating: 0, count: dnnl_memory_desc_get_size(&wsDesc))
            try exec.plain(DNNLArgument.src, try dnnlDesc(shape, layout, op: "maxpool"), exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.dst, try dnnlDesc(outputShape, layout, op: "maxpool"), &out, engine: engine!)
            try exec.plain(DNNLArgument.workspace, wsDesc, &workspace, engine: engine!)
        }
        // A recorded eval pass keeps the workspace the call wrote, as it keeps every output.
        DNNLReplayRecorder.current?.retain(workspace)
        return ran ? (out, PoolingIndices(workspace: workspace)) : nil
    }

    public func maxPoolForward(input: Tensor, geometry g: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices) {
        guard let (out, indices) = try maxPool(input, shape: input.shape, geometry: g, layout: dnnl_nchw) else {
            return try reference.maxPoolForward(input: input, geometry: g)
        }
        return (Tensor(uncheckedShape: [input.shape[0], input.shape[1], g.outputH, g.outputW], scalars: out), indices)
    }

    public func maxPoolBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        guard let workspace = indices.workspace,
              let grad = try poolingBackward(dnnl_pooling_max, gradOutput: gradOutput, workspace: workspace, inputShape: inputShape, geometry: geometry)
        else { return try reference.maxPoolBackward(gradOutput: gradOutput, indices: indices, inputShape: inputShape, geometry: geometry) }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }

    public func maxPoolChannelsLast(input: Tensor, geometry g: Conv2DGeometry) throws -> (output: Tensor, indices: PoolingIndices) {
        let s = input.shape
        guard let (out, indices) = try maxPool(input, shape: [s[0], s[3], s[1], s[2]], geometry: g, layout: dnnl_nhwc) else {
            return try reference.maxPoolChannelsLast(input: input, geometry: g)
        }
        return (Tensor(uncheckedShape: [s[0], g.outputH, g.outputW, s[3]], scalars: out), indices)
    }

    public func maxPoolInference(input: Tensor, layout: ActivationLayout, channels: Int, geometry g: Conv2DGeometry) throws -> (output: Tensor, layout: ActivationLayout) {
        let s = input.shape
        guard layout == .blocked16, let (out, _) = try maxPool(input, shape: [s[0], channels, s[2], s[3]], geometry: g, layout: dnnl_nChw16c) else {
            return try maxPoolInferenceChannelsLast(self, input: input, layout: layout, channels: channels, geometry: g)
        }
        return (Tensor(uncheckedShape: [s[0], s[1], g.outputH, g.outputW, 16], scalars: out), .blocked16)
    }

    public func maxPoolChannelsLastBackward(gradOutput: Tensor, indices: PoolingIndices, inputShape s: [Int], geometry: Conv2DGeometry) throws -> Tensor {
        guard let workspace = indices.workspace,
              let grad = try poolingBackward(dnnl_pooling_max, gradOutput: gradOutput, workspace: workspace, inputShape: [s[0], s[3], s[1], s[2]],
                                             geometry: geometry, layout: dnnl_nhwc)
        else { return try reference.maxPoolChannelsLastBackward(gradOutput: gradOutput, indices: indices, inputShape: s, geometry: geometry) }
        return Tensor(uncheckedShape: s, scalars: grad)
    }

    private static func averaging(_ countIncludePad: Bool) -> dnnl_alg_kind_t {
        countIncludePad ? dnnl_pooling_avg_include_padding : dnnl_pooling_avg_exclude_padding
    }

    public func avgPoolForward(input: Tensor, geometry g: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor {
        let algorithm = DNNLKernels.averaging(countIncludePad)
        let outShape = [input.shape[0], input.shape[1], g.outputH, g.outputW]
        var out = uninitializedScalars(outShape.reduce(1, *))
        let ran = try runPlain("pooling forward \(algorithm.rawValue) \(input.shape) \(g)", make: { engine in
            try poolingForwardPrimitive(algorithm, input: input.shape, geometry: g, engine: engine)
        }) { _, exec in
            try exec.plain(DNNLArgument.src, try dnnlDesc(input.shape, dnnl_nchw, op: "avgpool"), exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.dst, try dnnlDesc(outShape, dnnl_nchw, op: "avgpool"), &out, engine: engine!)
        }
        return ran ? Tensor(uncheckedShape: outShape, scalars: out) : try reference.avgPoolForward(input: input, geometry: g, countIncludePad: countIncludePad)
    }

    public func avgPoolBackward(gradOutput: Tensor, inputShape: [Int], geometry: Conv2DGeometry, countIncludePad: Bool) throws -> Tensor {
        try poolingBackward(DNNLKernels.averaging(countIncludePad), gradOutput: gradOutput, workspace: nil, inputShape: inputShape, geometry: geometry)
            .map { Tensor(uncheckedShape: inputShape, scalars: $0) }
            ?? reference.avgPoolBackward(gradOutput: gradOutput, inputShape: inputShape, geometry: geometry, countIncludePad: countIncludePad)
    }
}
