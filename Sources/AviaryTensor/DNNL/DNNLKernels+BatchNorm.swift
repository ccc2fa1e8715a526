import CDNNL

extension DNNLKernels {
    private static let scaleShift = dnnl_use_scale.rawValue | dnnl_use_shift.rawValue

    private func batchNormForwardPrimitive(_ shape: [Int], epsilon: Float, global: Bool, engine: dnnl_engine_t) throws -> DNNLPrimitive {
        let key = "batchnorm forward \(global ? "global" : "batch") \(shape) eps \(epsilon)"
        return try cached(key, engine: engine) { engine in
            var data = try dnnlDesc(shape, DNNLKernels.plainTag(rank: shape.count)!, op: key)
            var desc = dnnl_batch_normalization_desc_t()
            let flags = DNNLKernels.scaleShift | (global ? dnnl_use_global_stats.rawValue : 0)
            try dnnlCheck(dnnl_batch_normalization_forward_desc_init(&desc, dnnl_forward_training, &data, epsilon, flags), key, "dnnl_batch_normalization_forward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine)
        }
    }

    /// Image-shaped batch norm runs on `PlanarBatchNorm` (oneDNN's NCHW kernel is not vectorised
    /// in Debian's build); [N, C] and tiny planes stay on oneDNN.
    static func planar(_ shape: [Int]) -> PlanarBatchNorm.Dims? {
        guard shape.count >= 3 else { return nil }
        let inner = shape.dropFirst(2).reduce(1, *)
        return inner >= 16 ? PlanarBatchNorm.Dims(n: shape[0], c: shape[1], inner: inner) : nil
    }

    public func batchNormTraining(input: Tensor, gamma: Tensor, beta: Tensor, epsilon: Float) throws -> (output: Tensor, mean: [Float], variance: [Float]) {
        if let dims = DNNLKernels.planar(input.shape) {
            let (out, mean, variance) = PlanarBatchNorm.training(input.scalars, dims: dims, gamma: gamma.scalars, beta: beta.scalars, epsilon: epsilon)
            return (Tensor(uncheckedShape: input.shape, scalars: out), mean, variance)
        }
        guard let tag = DNNLKernels.plainTag(rank: input.rank), input.rank >= 2 else {
            return try reference.batchNormTraining(input: input, gamma: gamma, beta: beta, epsilon: epsilon)
        }
        let c = input.shape[1]
        var out = uninitializedScalars(input.count), mean = [Float](repeating: 0, count: c), variance = mean
        let ran = try runPlain("batchnorm forward batch \(input.shape) eps \(epsilon)", make: { engine in
            try batchNormForwardPrimitive(input.shape, epsilon: epsilon, global: false, engine: engine)
        }) { _, exec in
            let data = try dnnlDesc(input.shape, tag, op: "batchnorm"), channel = try dnnlDesc([c], dnnl_a, op: "batchnorm")
            try exec.plain(DNNLArgument.src, data, exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.scale, channel, exec.readOnly(gamma.scalars), engine: engine!)
            try exec.plain(DNNLArgument.shift, channel, exec.readOnly(beta.scalars), engine: engine!)
            try exec.plain(DNNLArgument.dst, data, &out, engine: engine!)
            try exec.plain(DNNLArgument.mean, channel, &mean, engine: engine!)
            try exec.plain(DNNLArgument.variance, channel, &variance, engine: engine!)
        }
        guard ran else { return try reference.batchNormTraining(input: input, gamma: gamma, beta: beta, epsilon: epsilon) }
        return (Tensor(uncheckedShape: input.shape, scalars: out), mean, variance)
    }

    public func batchNormInference(input: Tensor, gamma: Tensor, beta: Tensor, mean: [Float], variance: [Float], epsilon: Float) throws -> Tensor {
        if let dims = DNNLKernels.planar(input.shape) {
            return Tensor(uncheckedShape: input.shape, scalars: PlanarBatchNorm.inference(input.scalars, dims: dims, gamma: gamma.scalars, beta: beta.scalars, mean: mean, variance: variance, epsilon: epsilon))
        }
        guard let tag = DNNLKernels.plainTag(rank: input.rank), input.rank >= 2 else {
            return try reference.batchNormInference(input: input, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon)
        }
        let c = input.shape[1]
        var out = uninitializedScalars(input.count)
        let ran = try runPlain("batchnorm forward global \(input.shape) eps \(epsilon)", make: { engine in
            try batchNormForwardPrimitive(input.shape, epsilon: epsilon, global: true, engine: engine)
        }) { _, exec in
            let data = try dnnlDesc(input.shape, tag, op: "batchnorm"), channel = try dnnlDesc([c], dnnl_a, op: "batchnorm")
            try exec.plain(DNNLArgument.src, data, exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.scale, channel, exec.readOnly(gamma.scalars), engine: engine!)
            try exec.plain(DNNLArgument.shift, channel, exec.readOnly(beta.scalars), engine: engine!)
            try exec.plain(DNNLArgument.mean, channel, exec.readOnly(mean), engine: engine!)
            try exec.plain(DNNLArgument.variance, channel, exec.readOnly(variance), engine: engine!)
            try exec.plain(DNNLArgument.dst, data, &out, engine: engine!)
        }
        guard ran else { return try reference.batchNormInference(input: input, gamma: gamma, beta: beta, mean: mean, variance: variance, epsilon: epsilon) }
        return Tensor(uncheckedShape: input.shape, scalars: out)
    }

    public func batchNormBackward(gradOutput: Tensor, input: Tensor, gamma: Tensor, mean: [Float], variance: [Float], epsilon: Float, trainingStatistics: Bool) throws -> (input: Tensor, gamma: Tensor, beta: Tensor) {
        if let dims = DNNLKernels.planar(input.shape) {
            let (dx, dg, db) = PlanarBatchNorm.backward(gradOutput: gradOutput.scalars, input: input.scalars, dims: dims, gamma: gamma.scalars, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: trainingStatistics)
            let c = input.shape[1]
            return (Tensor(uncheckedShape: input.shape, scalars: dx), Tensor(uncheckedShape: [c], scalars: dg), Tensor(uncheckedShape: [c], scalars: db))
        }
        guard let tag = DNNLKernels.plainTag(rank: input.rank), input.rank >= 2 else {
            return try reference.batchNormBackward(gradOutput: gradOutput, input: input, gamma: gamma, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: trainingStatistics)
        }
        let c = input.shape[1], global = !trainingStatistics
        let shift = [Float](repeating: 0, count: c)  // oneDNN 2.6 validates that a shift is bound, though the gradient ignores it
        var dx = uninitializedScalars(input.count), dg = [Float](repeating: 0, count: c), db = dg
        let key = "batchnorm backward \(global ? "global" : "batch") \(input.shape) eps \(epsilon)"
        let ran = try runPlain(key, make: { engine in
            let hint = try batchNormForwardPrimitive(input.shape, epsilon: epsilon, global: global, engine: engine)
            var data = try dnnlDesc(input.shape, tag, op: key), diff = data
            var desc = dnnl_batch_normalization_desc_t()
            let flags = DNNLKernels.scaleShift | (global ? dnnl_use_global_stats.rawValue : 0)
            try dnnlCheck(dnnl_batch_normalization_backward_desc_init(&desc, dnnl_backward, &diff, &data, epsilon, flags), key, "dnnl_batch_normalization_backward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine, hint: hint.descriptor)
        }) { _, exec in
            let data = try dnnlDesc(input.shape, tag, op: key), channel = try dnnlDesc([c], dnnl_a, op: key)
            try exec.plain(DNNLArgument.src, data, exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.diffDst, data, exec.readOnly(gradOutput.scalars), engine: engine!)
            try exec.plain(DNNLArgument.scale, channel, exec.readOnly(gamma.scalars), engine: engine!)
            try exec.plain(DNNLArgument.shift, channel, exec.readOnly(shift), engine: engine!)
            try exec.plain(DNNLArgument.mean, channel, exec.readOnly(mean), engine: engine!)
            try exec.plain(DNNLArgument.variance, channel, exec.readOnly(variance), engine: engine!)
            try exec.plain(DNNLArgument.diffSrc, data, &dx, engine: engine!)
            try exec.plain(DNNLArgument.diffScale, channel, &dg, engine: engine!)
            try exec.plain(DNNLArgument.diffShift, channel, &db, engine: engine!)
        }
        guard ran else {
            return try reference.batchNormBackward(gradOutput: gradOutput, input: input, gamma: gamma, mean: mean, variance: variance, epsilon: epsilon, trainingStatistics: trainingStatistics)
        }
        return (Tensor(uncheckedShape: input.shape, scalars: dx), Tensor(uncheckedShape: [c], scalars: dg), Tensor(uncheckedShape: [c], scalars: db))
    }
}
