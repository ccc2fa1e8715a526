import CDNNL

/// Inference weights already reordered into a convolution's kernel layout, so that eval-mode
/// calls stop reordering every weight on every call (at batch 1 that reorder cost as much as the
/// convolution).
///
/// An entry is found by the storage of the weight array it was made from, and keeps that array
/// alive: while the cache holds a reference, nobody can mutate the storage in place (Swift copies
/// on write), and its address cannot be reused by another array. So "same address" means "same
/// weights", and an optimizer step that changes them simply misses. An entry whose array nobody
/// else holds any more (its model was dropped, or training replaced the folded weights) can never
/// be hit again: `releaseUnreferenced` frees it, and so does every insertion.
///
/// Used under `DNNLKernels.lock` only.
final class DNNLPreparedWeights {
    private let operand: DNNLOperand
    private var entries: [(source: HeldArrayStorage, buffer: UnsafeMutableRawPointer)] = []
    /// Distinct weight arrays of one shape kept at once (a ResNet stage repeats one shape 3–4 times).
    static let capacity = 8

    init(operand: DNNLOperand) {
        self.operand = operand
    }

    /// The weights in the kernel's layout, reordered now if these weights are new.
    func kernelLayout(of weights: [Float], execution: inout DNNLExecution) throws -> UnsafeMutableRawPointer {
        guard let recorder = execution.recorder, operand.toKernel != nil else { return try cachedKernelLayout(of: weights, execution: &execution) }
        // While an eval pass is recorded (`InferenceReplay`), preparing weights is not a step of
        // the pass, and the recording keeps its own copy: an entry can be evicted while it lives.
        execution.recorder = nil
        defer { execution.recorder = recorder }
        return recorder.copy(try cachedKernelLayout(of: weights, execution: &execution), bytes: operand.kernelBytes)
    }

    private func cachedKernelLayout(of weights: [Float], execution: inout DNNLExecution) throws -> UnsafeMutableRawPointer {
        if let hit = entries.first(where: { $0.source.holds(weights) }) { return hit.buffer }
        guard operand.toKernel != nil else { return execution.readOnly(weights) }
        let buffer = UnsafeMutableRawPointer.allocate(byteCount: max(operand.kernelBytes, 64), alignment: 64)
        do {
            try execution.reorder(operand, from: execution.readOnly(weights), into: buffer)
        } catch {
            buffer.deallocate()
            throw error
        }
        releaseUnreferenced()
        if entries.count == DNNLPreparedWeights.capacity { entries.removeFirst().buffer.deallocate() }
        entries.append((HeldArrayStorage(weights), buffer))
        return buffer
    }

    /// Entries held, for tests and `DNNLKernels.cachedWeightCount`.
    var count: Int { entries.count }

    /// Frees the entries whose weight arrays only this cache still holds; returns how many.
    @discardableResult
    func releaseUnreferenced() -> Int {
        var released = 0, index = 0
        while index < entries.count {
            // In place: a copy of the entry would be a second reference.
            if entries[index].source.isOnlyReference() {
                entries.remove(at: index).buffer.deallocate()
                released += 1
            } else {
                index += 1
            }
        }
        return released
    }

    deinit {
        for entry in entries { entry.buffer.deallocate() }
    }
}

extension Array where Element == Float {
    /// Whether both arrays share one storage, and so, while either is held, the same contents:
    /// an in-place change to a shared array copies it first. Caches use it as a cheap identity.
    public func sharesStorage(with other: [Float]) -> Bool {
        withUnsafeBufferPointer { a in other.withUnsafeBufferPointer { b in a.baseAddress == b.baseAddress && a.count == b.count } }
    }
}
