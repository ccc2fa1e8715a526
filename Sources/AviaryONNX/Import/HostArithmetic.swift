/// Integer Add, Sub, Mul and Div on host arrays with NumPy broadcasting: integer tensors never
/// reach the engine (it computes in Float32, and integers carry no gradient). Results wrap around
/// in the element type as NumPy's and ONNX Runtime's do; division truncates toward zero.
enum HostArithmetic {
    static let integerTypes: Set<ElementType> = [.int8, .int16, .int32, .int64, .uint8, .uint16, .uint32, .uint64]

    static func apply(_ op: String, _ a: HostArray, _ b: HostArray, _ node: NodeAttributes) throws(ONNXImportError) -> HostArray {
        guard a.elementType == b.elementType, integerTypes.contains(a.elementType) else {
            throw node.unsupported("inputs", "of element types \(a.elementType) and \(b.elementType)")
        }
        guard let shape = broadcastShape(a.shape, b.shape) else {
            throw node.unsupported("inputs", "of shapes \(a.shape) and \(b.shape), which do not broadcast")
        }
        let unsigned = [.uint8, .uint16, .uint32, .uint64].contains(a.elementType)
        let (x, y) = (bitPatterns(a), bitPatterns(b))
        let (xIndex, yIndex) = (indexMap(from: a.shape, to: shape), indexMap(from: b.shape, to: shape))
        var result = [UInt64](repeating: 0, count: shape.reduce(1, *))
        for index in result.indices {
            let (p, q) = (x[xIndex(index)], y[yIndex(index)])
            switch op {
            case "Add": result[index] = p &+ q
            case "Sub": result[index] = p &- q
            case "Mul": result[index] = p &* q
            default:
                guard q != 0 else { throw node.unsupported("input B", "holds a zero divisor (integer division by zero is undefined)") }
                result[index] = unsigned ? p / q : UInt64(bitPattern: Int64(bitPattern: p).dividedReportingOverflow(by: Int64(bitPattern: q)).partialValue)
            }
        }
        return pack(result, as: a.elementType, shape: shape)
    }

    static func broadcastShape(_ a: [Int], _ b: [Int]) -> [Int]? {
        let rank = max(a.count, b.count)
        let (pa, pb) = ([Int](repeating: 1, count: rank - a.count) + a, [Int](repeating: 1, count: rank - b.count) + b)
        var shape: [Int] = []
        for (x, y) in zip(pa, pb) {
            guard x == y || x == 1 || y == 1 else { return nil }
            shape.append(x == 1 ? y : x)
        }
        return shape
    }

    /// Maps a flat index of the broadcast result to the flat index of an input.
    static func indexMap(from shape: [Int], to result: [Int]) -> (Int) -> Int {
        let padded = [Int](repeating: 1, count: result.count - shape.count) + shape
        var strides = [Int](repeating: 0, count: result.count)
        var stride = 1
        for axis in padded.indices.reversed() {
            strides[axis] = padded[axis] == 1 ? 0 : stride
            stride *= padded[axis]
        }
        return { flat in
            var remainder = flat, index = 0
            for axis in result.indices.reversed() {
                index += (remainder % result[axis]) * strides[axis]
                remainder /= result[axis]
            }
            return index
        }
    }

    /// Sign-extended (signed types) or zero-extended (unsigned) to 64 bits.
    static func bitPatterns(_ array: HostArray) -> [UInt64] {
        func read<T: HostScalar & BinaryInteger>(_: T.Type) -> [UInt64] {
            ((try? array.values(as: T.self)) ?? []).map { UInt64(bitPattern: Int64(truncatingIfNeeded: $0)) }
        }
        switch array.elementType {
        case .int8: return read(Int8.self)
        case .int16: return read(Int16.self)
        case .int32: return read(Int32.self)
        case .int64: return read(Int64.self)
        case .uint8: return read(UInt8.self)
        case .uint16: return read(UInt16.self)
        case .uint32: return read(UInt32.self)
        default: return (try? array.values(as: UInt64.self)) ?? []
        }
    }

    static func pack(_ values: [UInt64], as type: ElementType, shape: [Int]) -> HostArray {
        let width = type.byteCount
        var bytes = [UInt8](repeating: 0, count: values.count * width)
        for (index, value) in values.enumerated() {
            for byte in 0..<width { bytes[index * width + byte] = UInt8(truncatingIfNeeded: value >> (8 * UInt64(byte))) }
        }
        return (try? HostArray(elementType: type, shape: shape, bytes: bytes))!
    }
}
