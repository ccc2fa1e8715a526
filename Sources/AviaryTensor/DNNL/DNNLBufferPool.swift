/// Reuses the temporary buffers of oneDNN calls (blocked-layout copies, scratchpads). Fresh large
/// allocations come from mmap and fault in every page on first touch; in a training step that was
/// over a tenth of the time. Buffers are kept by exact size, up to `capacity` bytes in all.
///
/// Not thread-safe by itself: `DNNLKernels` only touches it while holding its lock.
///
/// Scratchpads are different: oneDNN needs one only while a primitive runs, and calls run one at
/// a time (under `DNNLKernels.lock`), so every scratchpad is the same buffer, grown to the largest
/// request. Winograd's scratchpads run to 140 MB (ResNet-18 batch 32, backward weights at 512
/// channels); pooled by size, the eight distinct ones kept 430 MB resident.
final class DNNLBufferPool {
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0
    private var scratchpadBuffer: (pointer: UnsafeMutableRawPointer, bytes: Int)?
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func take(bytes: Int) -> UnsafeMutableRawPointer {
        let size = max(bytes, 64)
        if let buffer = free[size]?.popLast() {
            cachedBytes -= size
            return buffer
        }
        return UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
    }

    func give(_ buffer: UnsafeMutableRawPointer, bytes: Int) {
        let size = max(bytes, 64)
        guard cachedBytes + size <= capacity else { buffer.deallocate(); return }
        free[size, default: []].append(buffer)
        cachedBytes += size
    }

    /// The shared scratchpad, at least `bytes` long. Valid until the next call: use it for one
    /// primitive execution at a time.
    func scratchpad(bytes: Int) -> UnsafeMutableRawPointer {
        if let buffer = scratchpadBuffer, buffer.bytes >= bytes { return buffer.pointer }
        scratchpadBuffer?.pointer.deallocate()
        let size = max(bytes, 64)
        let pointer = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 64)
        scratchpadBuffer = (pointer, size)
        return pointer
    }

    /// Frees every cached buffer (after a model is dropped, its shapes may never come back).
    func drain() {
        scratchpadBuffer?.pointer.deallocate()
        scratchpadBuffer = nil
        for buffers in free.values { for buffer in buffers { buffer.deallocate() } }
        free = [:]
        cachedBytes = 0
    }

    /// Bytes held for reuse.
    var heldBytes: Int { cachedBytes }

    deinit {
        scratchpadBuffer?.pointer.deallocate()
        for buffers in free.values { for buffer in buffers { buffer.deallocate() } }
    }
}
