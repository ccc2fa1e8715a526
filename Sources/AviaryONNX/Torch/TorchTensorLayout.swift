/// Turns a tensor view (storage, offset, size, stride) into a dense row-major array. Views that
/// share a storage or are transposed (`torch.save` keeps them as views) are copied element by element.
enum TorchTensorLayout {
    static func materialize(_ tensor: TorchTensorReference, from storage: ArraySlice<UInt8>, name: String,
                            path: String) throws(TorchCheckpointError) -> HostArray {
        let type = tensor.storage.elementType
        let width = type.byteCount
        guard let count = HostArray.elementCount(tensor.shape) else {
            throw .malformed(path: path, reason: "tensor '\(name)' has size \(tensor.shape), more elements than memory can address")
        }
        let available = min(tensor.storage.count, storage.count / width)
        func build(_ bytes: [UInt8]) throws(TorchCheckpointError) -> HostArray {
            do { return try HostArray(elementType: type, shape: tensor.shape, bytes: bytes) } catch {
                throw .malformed(path: path, reason: "tensor '\(name)': \(error)")
            }
        }
        if count == 0 { return try build([]) }
        // The furthest element read; each term is checked so that hostile sizes cannot overflow.
        var last = tensor.offset < available ? tensor.offset : Int.max
        for (size, stride) in zip(tensor.shape, tensor.strides) {
            let (span, overflow) = (size - 1).multipliedReportingOverflow(by: stride)
            guard last < available, !overflow, span <= available else { last = Int.max; break }
            last += span
            if last >= available { break }
        }
        guard last < available else {
            throw .malformed(path: path, reason: "tensor '\(name)' reads element \(last) of a storage holding \(available)")
        }
        let base = storage.startIndex
        if isContiguous(tensor.shape, tensor.strides) {
            let start = base + tensor.offset * width
            return try build(Array(storage[start..<(start + count * width)]))
        }
        var bytes = [UInt8](repeating: 0, count: count * width)
        var index = [Int](repeating: 0, count: tensor.shape.count)
        var source = tensor.offset
        for element in 0..<count {
            let from = base + source * width
            for byte in 0..<width { bytes[element * width + byte] = storage[from + byte] }
            // Advance the multi-index like an odometer, keeping the source offset in step.
            var axis = tensor.shape.count - 1
            while axis >= 0 {
                index[axis] += 1
                source += tensor.strides[axis]
                if index[axis] < tensor.shape[axis] { break }
                source -= tensor.strides[axis] * tensor.shape[axis]
                index[axis] = 0
                axis -= 1
            }
        }
        return try build(bytes)
    }

    static func isContiguous(_ shape: [Int], _ strides: [Int]) -> Bool {
        var expected = 1
        for axis in shape.indices.reversed() where shape[axis] != 1 {
            if strides[axis] != expected { return false }
            expected *= shape[axis]
        }
        return true
    }
}
