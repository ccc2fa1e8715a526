/// An n-dimensional array in host memory: what ONNX tensors, .npy files and PyTorch checkpoints hold
/// before the engine takes them. Bytes are little-endian and row-major (C order), the layout all
/// three formats use on disk, so reading and writing is a copy, never a per-element conversion.
public struct HostArray: Sendable, Equatable, CustomStringConvertible {
    public let elementType: ElementType
    public let shape: [Int]
    public let bytes: [UInt8]

    /// The number of elements: the product of the shape (1 for a scalar, whose shape is []).
    public var count: Int { shape.reduce(1, *) }

    /// Checks that the bytes fill the shape exactly.
    public init(elementType: ElementType, shape: [Int], bytes: [UInt8]) throws(HostArrayError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape: shape) }
        guard let elements = Self.elementCount(shape), elements <= Int.max / elementType.byteCount else { throw .tooLarge(shape: shape) }
        let expected = elements * elementType.byteCount
        guard bytes.count == expected else {
            throw .sizeMismatch(elementType: elementType, shape: shape, expectedBytes: expected, actualBytes: bytes.count)
        }
        self.elementType = elementType
        self.shape = shape
        self.bytes = bytes
    }

    public init<T: HostScalar>(shape: [Int], values: [T]) throws(HostArrayError) {
        guard shape.allSatisfy({ $0 >= 0 }) else { throw .negativeDimension(shape: shape) }
        guard let elements = Self.elementCount(shape), elements <= Int.max / T.elementType.byteCount else { throw .tooLarge(shape: shape) }
        guard elements == values.count else {
            throw .sizeMismatch(elementType: T.elementType, shape: shape, expectedBytes: shape.reduce(1, *) * T.elementType.byteCount,
                                actualBytes: values.count * T.elementType.byteCount)
        }
        self.elementType = T.elementType
        self.shape = shape
        if let flags = values as? [Bool] {
            self.bytes = flags.map { $0 ? 1 : 0 }
        } else {
            self.bytes = values.withUnsafeBytes { Array($0) }
        }
    }

    /// Half-precision arrays from their bit patterns (`.float16` or `.bfloat16`).
    public init(shape: [Int], halfBits: [UInt16], elementType: ElementType = .float16) throws(HostArrayError) {
        precondition(elementType == .float16 || elementType == .bfloat16, "halfBits holds float16 or bfloat16 only")
        try self.init(elementType: elementType, shape: shape, bytes: halfBits.withUnsafeBytes { Array($0) })
    }

    /// The product of the dimensions, or nil when it overflows (a hostile or corrupt header).
    public static func elementCount(_ shape: [Int]) -> Int? {
        var product = 1
        for dimension in shape {
            let (next, overflow) = product.multipliedReportingOverflow(by: dimension)
            if overflow { return nil }
            product = next
        }
        return product
    }

    /// The elements as `T`, which must be the array's own type: conversions are explicit (`floats()`).
    public func values<T: HostScalar>(as type: T.Type = T.self) throws(HostArrayError) -> [T] {
        guard T.elementType == elementType else { throw .typeMismatch(stored: elementType, requested: T.elementType) }
        if T.self == Bool.self { return bytes.map { $0 != 0 } as! [T] }
        return Self.reinterpret(bytes, count: count)
    }

    /// Raw 16-bit patterns of a float16 or bfloat16 array.
    public func halfBits() throws(HostArrayError) -> [UInt16] {
        guard elementType == .float16 || elementType == .bfloat16 else { throw .typeMismatch(stored: elementType, requested: .float16) }
        return Self.reinterpret(bytes, count: count)
    }

    /// Copies little-endian bytes into `count` values of a trivial type.
    private static func reinterpret<T>(_ bytes: [UInt8], count: Int) -> [T] {
        [T](unsafeUninitializedCapacity: count) { buffer, initialized in
            bytes.withUnsafeBytes { UnsafeMutableRawBufferPointer(buffer).copyMemory(from: $0) }
            initialized = count
        }
    }

    /// Every element converted to Float (bool → 0/1; 64-bit integers and doubles round): for
    /// comparisons with reference outputs and for feeding the float engine.
    public func floats() -> [Float] {
        func read<T: HostScalar>(_: T.Type, _ convert: (T) -> Float) -> [Float] {
            (try? values(as: T.self))!.map(convert)
        }
        switch elementType {
        case .float32: return read(Float.self) { $0 }
        case .float64: return read(Double.self) { Float($0) }
        case .float16: return (try? halfBits())!.map(HalfPrecision.float(fromHalf:))
        case .bfloat16: return (try? halfBits())!.map(HalfPrecision.float(fromBFloat16:))
        case .int8: return read(Int8.self) { Float($0) }
        case .int16: return read(Int16.self) { Float($0) }
        case .int32: return read(Int32.self) { Float($0) }
        case .int64: return read(Int64.self) { Float($0) }
        case .uint8: return read(UInt8.self) { Float($0) }
        case .uint16: return read(UInt16.self) { Float($0) }
        case .uint32: return read(UInt32.self) { Float($0) }
        case .uint64: return read(UInt64.self) { Float($0) }
        case .bool: return bytes.map { $0 != 0 ? 1 : 0 }
        }
    }

    /// The same bytes under another shape with as many elements.
    public func reshaped(_ newShape: [Int]) throws(HostArrayError) -> HostArray {
        try HostArray(elementType: elementType, shape: newShape, bytes: bytes)
    }

    public var description: String { "\(elementType)\(shape)" }
}

public enum HostArrayError: Error, Equatable, Sendable, CustomStringConvertible {
    case sizeMismatch(elementType: ElementType, shape: [Int], expectedBytes: Int, actualBytes: Int)
    case negativeDimension(shape: [Int])
    case typeMismatch(stored: ElementType, requested: ElementType)
    case tooLarge(shape: [Int])

    public var description: String {
        switch self {
        case let .sizeMismatch(type, shape, expected, actual):
            "a \(type) array of shape \(shape) needs \(expected) bytes, but \(actual) were given"
        case let .negativeDimension(shape):
            "shape \(shape) has a negative dimension"
        case let .tooLarge(shape):
            "shape \(shape) has more elements than memory can address"
        case let .typeMismatch(stored, requested):
            "the array holds \(stored), not \(requested); convert explicitly (floats())"
        }
    }
}
