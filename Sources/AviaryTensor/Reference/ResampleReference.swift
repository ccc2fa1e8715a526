/// One axis of a separable linear resampling: output position `i` along `axis` is
/// Σₜ `weights[i][t]` · input[`indices[i][t]`]. Nearest, linear, cubic and antialiased resizing, and
/// every padding mode (constant, edge, reflect, wrap, cropping), are such maps applied one axis at
/// a time, so one primitive with one gradient rule (the transposed map) serves them all.
/// An output position with no taps is 0 (callers add a fill value there).
public struct ResampleAxis: Sendable, Hashable {
    public var axis: Int
    public var inputSize: Int
    public var indices: [[Int]]
    public var weights: [[Float]]

    public init(axis: Int, inputSize: Int, indices: [[Int]], weights: [[Float]]) throws {
        guard indices.count == weights.count, zip(indices, weights).allSatisfy({ $0.count == $1.count }) else {
            throw TensorError.invalidArgument(op: "resample", detail: "\(indices.count) index rows for \(weights.count) weight rows", hint: "give one weight per tap")
        }
        guard indices.allSatisfy({ $0.allSatisfy { (0..<inputSize).contains($0) } }) else {
            throw TensorError.invalidArgument(op: "resample", detail: "a tap outside 0..<\(inputSize) on axis \(axis)", hint: "clamp or drop taps outside the input")
        }
        self.axis = axis
        self.inputSize = inputSize
        self.indices = indices
        self.weights = weights
    }

    public var outputSize: Int { indices.count }
}

/// The plain definition of `Variable.resampled(along:)`, one axis at a time.
public enum ResampleReference {
    public static func forward(_ input: Tensor, _ map: ResampleAxis) -> Tensor {
        let shape = input.shape
        let outer = shape[..<map.axis].reduce(1, *), inner = shape[(map.axis + 1)...].reduce(1, *)
        let size = shape[map.axis], outSize = map.outputSize
        var out = [Float](repeating: 0, count: outer * outSize * inner)
        input.scalars.withUnsafeBufferPointer { x in
            out.withUnsafeMutableBufferPointer { y in
                for o in 0..<outer {
                    for i in 0..<outSize {
                        let target = (o * outSize + i) * inner
                        for (index, weight) in zip(map.indices[i], map.weights[i]) where weight != 0 {
                            let source = (o * size + index) * inner
                            for j in 0..<inner { y[target + j] += weight * x[source + j] }
                        }
                    }
                }
            }
        }
        var outShape = shape
        outShape[map.axis] = outSize
        return Tensor(uncheckedShape: outShape, scalars: out)
    }

    /// The transposed map: each tap sends its weighted output gradient back to its source.
    public static func backward(_ gradOutput: Tensor, _ map: ResampleAxis) -> Tensor {
        let shape = gradOutput.shape
        let outer = shape[..<map.axis].reduce(1, *), inner = shape[(map.axis + 1)...].reduce(1, *)
        let size = map.inputSize, outSize = map.outputSize
        var out = [Float](repeating: 0, count: outer * size * inner)
        gradOutput.scalars.withUnsafeBufferPointer { g in
            out.withUnsafeMutableBufferPointer { dx in
                for o in 0..<outer {
                    for i in 0..<outSize {
                        let source = (o * outSize + i) * inner
                        for (index, weight) in zip(map.indices[i], map.weights[i]) where weight != 0 {
                            let target = (o * size + index) * inner
                            for j in 0..<inner { dx[target + j] += weight * g[source + j] }
                        }
                    }
                }
            }
        }
        var inShape = shape
        inShape[map.axis] = size
        return Tensor(uncheckedShape: inShape, scalars: out)
    }
}

extension Kernels {
    public func resample(_ input: Tensor, along maps: [ResampleAxis]) throws -> Tensor {
        maps.reduce(input) { ResampleReference.forward($0, $1) }
    }

    public func resampleBackward(_ gradOutput: Tensor, along maps: [ResampleAxis]) throws -> Tensor {
        maps.reversed().reduce(gradOutput) { ResampleReference.backward($0, $1) }
    }
}
