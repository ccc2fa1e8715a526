import AviaryTensor

/// Data movement on host arrays of any element type (Pad, Slice, Transpose and Reshape of the
/// integer constants exporters compute shapes and pads with): whole elements copied byte for byte.
enum HostGather {
    /// Output element i is input element `sources[i]`, or `fill` (zeros by default) where nil.
    static func take(_ array: HostArray, _ sources: [Int?], shape: [Int], fill: [UInt8]? = nil) throws -> HostArray {
        let width = array.count > 0 ? array.bytes.count / array.count : 0
        let fill = fill ?? [UInt8](repeating: 0, count: width)
        var bytes: [UInt8] = []
        bytes.reserveCapacity(sources.count * width)
        for source in sources {
            bytes += source.map { array.bytes[($0 * width)..<(($0 + 1) * width)] } ?? fill[...]
        }
        return try HostArray(elementType: array.elementType, shape: shape, bytes: bytes)
    }

    /// Flat sources for per-axis index maps (`maps[axis][i]` is the input index output index i
    /// reads on that axis, nil for none); axes without a map are copied as they are.
    static func alongAxes(_ inputShape: [Int], _ maps: [Int: [Int?]], outShape: [Int]) -> [Int?] {
        let inStrides = Tensor.contiguousStrides(inputShape), outStrides = Tensor.contiguousStrides(outShape)
        return (0..<outShape.reduce(1, *)).map { flat in
            var source = 0
            for axis in outShape.indices {
                let index = (flat / outStrides[axis]) % outShape[axis]
                guard let mapped = maps[axis].map({ $0[index] }) ?? index else { return nil }
                source += mapped * inStrides[axis]
            }
            return source
        }
    }

    /// Transpose: output axis i is input axis `perm[i]`.
    static func permuted(_ array: HostArray, _ perm: [Int]) throws -> HostArray {
        let shape = perm.map { array.shape[$0] }
        let inStrides = Tensor.contiguousStrides(array.shape), outStrides = Tensor.contiguousStrides(shape)
        let sources: [Int?] = (0..<array.count).map { flat in
            perm.indices.reduce(0) { $0 + ((flat / outStrides[$1]) % shape[$1]) * inStrides[perm[$1]] }
        }
        return try take(array, sources, shape: shape)
    }
}
