import AviaryTensor

/// The constant that Pad (constant mode) and Resize (tf_crop_and_resize's extrapolation value) put
/// where an output position has no source on some axis; resampling leaves 0 there, so adding
/// this tensor completes the result without touching the gradient.
enum OutsideFill {
    static func tensor(shape: [Int], outside: [Int: [Bool]], value: Float) throws -> Tensor {
        let strides = Tensor.contiguousStrides(shape)
        var out = [Float](repeating: 0, count: shape.reduce(1, *))
        for flat in out.indices where outside.contains(where: { axis, flags in flags[(flat / strides[axis]) % shape[axis]] }) {
            out[flat] = value
        }
        return try Tensor(shape: shape, scalars: out)
    }
}
