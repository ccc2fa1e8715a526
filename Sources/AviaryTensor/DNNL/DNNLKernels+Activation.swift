import CDNNL

extension DNNLKernels {
    /// Whether oneDNN can apply `activation` (nil: none) as a post-op of a convolution.
    static func hasPostOp(for activation: Activation?) -> Bool {
        activation.map { eltwise($0) != nil } ?? true
    }

    /// oneDNN's algorithm for an activation; nil where 2.6 has none (hard sigmoid).
    static func eltwise(_ kind: Activation) -> (algorithm: dnnl_alg_kind_t, alpha: Float, beta: Float)? {
        switch kind {
        case .relu: return (dnnl_eltwise_relu, 0, 0)
        // clip_v2's gradient is zero on both bounds, like PyTorch's hardtanh.
        case let .clip(lo, hi): return (dnnl_eltwise_clip_v2, lo, hi)
        case .hardSwish: return (dnnl_eltwise_hardswish, 0, 0)
        case .sigmoid: return (dnnl_eltwise_logistic, 0, 0)
        case .silu: return (dnnl_eltwise_swish, 1, 0)
        case .hardSigmoid: return nil
        }
    }

    private func eltwiseForwardPrimitive(_ kind: Activation, count: Int, engine: dnnl_engine_t) throws -> DNNLPrimitive {
        let key = "eltwise forward \(kind) \(count)"
        return try cached(key, engine: engine) { engine in
            let (algorithm, alpha, beta) = DNNLKernels.eltwise(kind)!
            var data = try dnnlDesc([count], dnnl_a, op: key)
            var desc = dnnl_eltwise_desc_t()
            try dnnlCheck(dnnl_eltwise_forward_desc_init(&desc, dnnl_forward_training, algorithm, &data, alpha, beta), key, "dnnl_eltwise_forward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine)
        }
    }

    public func activationForward(_ kind: Activation, input: Tensor) throws -> Tensor {
        guard DNNLKernels.eltwise(kind) != nil, input.count > 0 else { return kind.forward(input) }
        var out = uninitializedScalars(input.count)
        let ran = try runPlain("eltwise forward \(kind) \(input.count)", make: { try eltwiseForwardPrimitive(kind, count: input.count, engine: $0) }) { _, exec in
            let data = try dnnlDesc([input.count], dnnl_a, op: "eltwise")
            try exec.plain(DNNLArgument.src, data, exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.dst, data, &out, engine: engine!)
        }
        return ran ? Tensor(uncheckedShape: input.shape, scalars: out) : kind.forward(input)
    }

    public func activationBackward(_ kind: Activation, gradOutput: Tensor, input: Tensor) throws -> Tensor {
        guard let (algorithm, alpha, beta) = DNNLKernels.eltwise(kind), input.count > 0 else { return kind.backward(gradOutput: gradOutput, input: input) }
        var dx = uninitializedScalars(input.count)
        let key = "eltwise backward \(kind) \(input.count)"
        let ran = try runPlain(key, make: { engine in
            let hint = try eltwiseForwardPrimitive(kind, count: input.count, engine: engine)
            var data = try dnnlDesc([input.count], dnnl_a, op: key), diff = data
            var desc = dnnl_eltwise_desc_t()
            try dnnlCheck(dnnl_eltwise_backward_desc_init(&desc, algorithm, &diff, &data, alpha, beta), key, "dnnl_eltwise_backward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine, hint: hint.descriptor)
        }) { _, exec in
            let data = try dnnlDesc([input.count], dnnl_a, op: key)
            try exec.plain(DNNLArgument.src, data, exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.diffDst, data, exec.readOnly(gradOutput.scalars), engine: engine!)
            try exec.plain(DNNLArgument.diffSrc, data, &dx, engine: engine!)
        }
        return ran ? Tensor(uncheckedShape: input.shape, scalars: dx) : kind.backward(gradOutput: gradOutput, input: input)
    }
}
