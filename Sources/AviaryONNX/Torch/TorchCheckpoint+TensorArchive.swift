import AviaryTensor

extension TorchCheckpoint {
    /// The checkpoint as the engine's state dict (`Module.load(stateDict:)`): every tensor as
    /// Float32, the engine's one element type. Integer counters such as BatchNorm's
    /// `num_batches_tracked` convert exactly below 2^24, far above any real count.
    public func tensorArchive() throws -> TensorArchive {
        TensorArchive(entries: try entries.map { entry in
            (entry.name, try Tensor(shape: entry.array.shape, scalars: entry.array.floats()))
        })
    }
}
