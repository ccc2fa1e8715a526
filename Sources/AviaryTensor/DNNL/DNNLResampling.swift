import CDNNL

/// oneDNN resampling as the fast path of `resampled(along:)`: taken only when the requested maps
/// are, weight for weight, the ones oneDNN computes — linear or nearest over H and W of an NCHW
/// tensor with source coordinate (o + 0.5)·in/out − 0.5 (ONNX half_pixel by sizes or whole-number
/// scales, PyTorch's bilinear without align_corners and its whole-number nearest upsampling).
/// Anything else runs the reference.
extension DNNLKernels {
    public func resample(_ input: Tensor, along maps: [ResampleAxis]) throws -> Tensor {
        guard let algorithm = DNNLKernels.resamplingAlgorithm(input.shape, maps) else { return try reference.resample(input, along: maps) }
        var outShape = input.shape
        for map in maps { outShape[map.axis] = map.outputSize }
        var out = uninitializedScalars(outShape.reduce(1, *))
        let key = "resampling forward \(algorithm.rawValue) \(input.shape) \(outShape)"
        let ran = try runPlain(key, make: { engine in
            try resamplingForwardPrimitive(algorithm, input: input.shape, output: outShape, engine: engine)
        }) { _, exec in
            try exec.plain(DNNLArgument.src, try dnnlDesc(input.shape, dnnl_nchw, op: key), exec.readOnly(input.scalars), engine: engine!)
            try exec.plain(DNNLArgument.dst, try dnnlDesc(outShape, dnnl_nchw, op: key), &out, engine: engine!)
        }
        return ran ? Tensor(uncheckedShape: outShape, scalars: out) : try reference.resample(input, along: maps)
    }

    public func resampleBackward(_ gradOutput: Tensor, along maps: [ResampleAxis]) throws -> Tensor {
        var inputShape = gradOutput.shape
        for map in maps { inputShape[map.axis] = map.inputSize }
        guard let algorithm = DNNLKernels.resamplingAlgorithm(inputShape, maps) else { return try reference.resampleBackward(gradOutput, along: maps) }
        var dx = [Float](repeating: 0, count: inputShape.reduce(1, *))
        let key = "resampling backward \(algorithm.rawValue) \(inputShape) \(gradOutput.shape)"
        let ran = try runPlain(key, make: { engine in
            let hint = try resamplingForwardPrimitive(algorithm, input: inputShape, output: gradOutput.shape, engine: engine)
            var diffSrc = try dnnlDesc(inputShape, dnnl_nchw, op: key), diffDst = try dnnlDesc(gradOutput.shape, dnnl_nchw, op: key)
            var desc = dnnl_resampling_desc_t()
            try dnnlCheck(dnnl_resampling_backward_desc_init(&desc, algorithm, nil, &diffSrc, &diffDst), key, "dnnl_resampling_backward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine, hint: hint.descriptor)
        }) { _, exec in
            try exec.plain(DNNLArgument.diffDst, try dnnlDesc(gradOutput.shape, dnnl_nchw, op: key), exec.readOnly(gradOutput.scalars), engine: engine!)
            try exec.plain(DNNLArgument.diffSrc, try dnnlDesc(inputShape, dnnl_nchw, op: key), &dx, engine: engine!)
        }
        return ran ? Tensor(uncheckedShape: inputShape, scalars: dx) : try reference.resampleBackward(gradOutput, along: maps)
    }

    private func resamplingForwardPrimitive(_ algorithm: dnnl_alg_kind_t, input: [Int], output: [Int], engine: dnnl_engine_t) throws -> DNNLPrimitive {
        let key = "resampling forward \(algorithm.rawValue) \(input) \(output)"
        return try cached(key, engine: engine) { engine in
            var src = try dnnlDesc(input, dnnl_nchw, op: key), dst = try dnnlDesc(output, dnnl_nchw, op: key)
            var desc = dnnl_resampling_desc_t()
            try dnnlCheck(dnnl_resampling_forward_desc_init(&desc, dnnl_forward_training, algorithm, nil, &src, &dst), key, "dnnl_resampling_forward_desc_init")
            return try dnnlPrimitive(&desc, op: key, engine: engine)
        }
    }

    /// The oneDNN algorithm whose maps equal `maps` on an NCHW shape, if any.
    static func resamplingAlgorithm(_ shape: [Int], _ maps: [ResampleAxis]) -> dnnl_alg_kind_t? {
        guard shape.count == 4, !maps.isEmpty, maps.allSatisfy({ $0.axis >= 2 }), Set(maps.map(\.axis)).count == maps.count else { return nil }
        for algorithm in [dnnl_resampling_linear, dnnl_resampling_nearest] {
            let linear = algorithm == dnnl_resampling_linear
            if maps.allSatisfy({ sameMap($0, oneDNNMap(input: $0.inputSize, output: $0.outputSize, linear: linear)) }) { return algorithm }
        }
        return nil
    }

    /// oneDNN's own coefficients (its `linear_coeffs_t` and `nearest_idx`), as taps.
    static func oneDNNMap(input: Int, output: Int, linear: Bool) -> (indices: [[Int]], weights: [[Float]]) {
        var indices: [[Int]] = [], weights: [[Float]] = []
        for o in 0..<output {
            let s = (Float(o) + 0.5) * Float(input) / Float(output) - 0.5
            if linear {
                let low = s.rounded(.down)
                indices.append([max(Int(low), 0), min(Int(s.rounded(.up)), input - 1)])
                weights.append([1 - (s - low), s - low])
            } else {
                indices.append([min(max(Int(s.rounded(.toNearestOrAwayFromZero)), 0), input - 1)])
                weights.append([1])
            }
        }
        return (indices, weights)
    }

    /// Equal as linear maps: the taps summed into one weight per input position agree within 1e-5.
    static func sameMap(_ map: ResampleAxis, _ other: (indices: [[Int]], weights: [[Float]])) -> Bool {
        guard map.outputSize == other.indices.count else { return false }
        for row in 0..<map.outputSize {
            var difference = [Int: Float]()
            for (index, weight) in zip(map.indices[row], map.weights[row]) { difference[index, default: 0] += weight }
            for (index, weight) in zip(other.indices[row], other.weights[row]) { difference[index, default: 0] -= weight }
            if difference.values.contains(where: { abs($0) > 1e-5 }) { return false }
        }
        return true
    }
}
