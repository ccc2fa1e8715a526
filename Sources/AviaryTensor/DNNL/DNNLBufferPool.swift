/// Reuses the temporary buffers of oneDNN calls (blocked-layout copies, scratchpads). Fresh large
/// allocations come from mmap and fault in every page on first touch; in a training step that was
/// over a tenth of the time. Buffers are kept by exact size, up to `capacity` bytes in all.
///
/// Not thread-safe by itself: `DNNLKernels` only touches it while holding its lock.
final class DNNLBufferPool {
    private var free: [Int: [UnsafeMutableRawPointer]] = [:]
    private var cachedBytes = 0
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

    /// Frees every cached buffer (after a model is dropped, its shapes may never come back).
    func drain() {
        for buffers in free.values { for buffer in buffers { buffer.deallocate() } }
        free = [:]
        cachedBytes = 0
    }

    /// Bytes held for reuse.
    var heldBytes: Int { cachedBytes }

    deinit {
        for buffers in free.values { for buffer in buffers { buffer.deallocate() } }
    }
}
