import CDNNL

/// What `DNNLKernels` keeps between calls, and letting go of it.
///
/// Primitives are kept per shape (few, small). Kernel-layout weights (`DNNLPreparedWeights`) are
/// as large as the model's weights and belong to one set of weights, so they go once nobody holds
/// those weights: checked whenever an entry is added or a convolution shape is first seen, and by
/// `releaseUnusedCaches()`, which a dropped model's batch norms call (`BatchNorm2d`'s deinit).
extension DNNLKernels {
    /// The primitive `cache` holds for `key`, built by `make` on first use; nil once oneDNN
    /// refused the key, which `refused` remembers so that it is not built again each call.
    /// `warn`: note the refusal (the caller falls back to the Swift reference).
    func primitive<Key: Hashable, Made>(_ key: Key, in cache: ReferenceWritableKeyPath<DNNLKernels, [Key: Made]>,
                                        refused: ReferenceWritableKeyPath<DNNLKernels, Set<Key>>, warn: Bool,
                                        make: (dnnl_engine_t) throws -> Made) throws -> Made? {
        guard let engine else { return nil }
        return try exclusively {
            if self[keyPath: refused].contains(key) { return nil }
            if let made = self[keyPath: cache][key] { return made }
            // A new shape often means a new model: free what dropped ones left behind.
            releaseUnreferencedWeightsLocked()
            do {
                let made = try make(engine)
                self[keyPath: cache][key] = made
                return made
            } catch let refusal as DNNLRefusal {
                self[keyPath: refused].insert(key)
                if warn { note(refusal) }
                return nil
            }
        }
    }

    /// Kernel-layout weight copies currently held, over every convolution shape.
    public var cachedWeightCount: Int {
        lock.withLock {
            convolutions.values.reduce(0) { $0 + ($1.preparedWeights?.count ?? 0) }
                + pointwiseDepthwisePrimitives.values.reduce(0) { $0 + $1.preparedPointwise.count + $1.preparedDepthwise.count }
        }
    }

    /// Frees kernel-layout weights whose source arrays nobody else holds, and the pooled temporary
    /// buffers; returns how many weight copies went. Call after dropping a model.
    @discardableResult
    public func releaseUnusedCaches() -> Int {
        lock.withLock {
            pool.drain()
            return releaseUnreferencedWeightsLocked()
        }
    }

    /// Frees kernel-layout weights whose source arrays nobody else holds, keeping the pooled
    /// buffers (for mid-run use, such as a model going back to training); returns how many went.
    @discardableResult
    public func releaseUnreferencedWeights() -> Int {
        lock.withLock { releaseUnreferencedWeightsLocked() }
    }

    /// `releaseUnusedCaches` without the pool; call with the lock held.
    @discardableResult
    func releaseUnreferencedWeightsLocked() -> Int {
        convolutions.values.reduce(0) { $0 + ($1.preparedWeights?.releaseUnreferenced() ?? 0) }
            + pointwiseDepthwisePrimitives.values.reduce(0) { $0 + $1.preparedPointwise.releaseUnreferenced() + $1.preparedDepthwise.releaseUnreferenced() }
    }

    /// `releaseUnusedCaches()`, then the freed heap pages back to the system: the process shrinks
    /// to what is live. For between workloads (a benchmark between configs, a server after
    /// unloading a model); it walks the whole heap.
    @discardableResult
    public func releaseMemory() -> Int {
        let released = releaseUnusedCaches()
        lock.withLock { AllocatorTuning.returnFreeMemory() }
        return released
    }
}
