import AviaryTensor
import AviaryVision

extension Batch {
    /// The batch as the engine's input, `[N, C, H, W]`. The loader already wrote planar floats in
    /// that order, and arrays share storage until written, so this copies nothing.
    public var tensor: Tensor {
        get throws { try Tensor(shape: shape, scalars: values) }
    }
}
