/// A dense Float32 tensor in row-major order. Image tensors are NCHW logically; the oneDNN backend
/// converts to its blocked layouts inside a kernel call and back, so callers only ever see this one.
///
/// A value type: copies share storage until one of them writes (Swift arrays' copy-on-write).
public struct Tensor: Sendable, Equatable, CustomStringConvertible {
    public private(set) var shape: [Int]
    public var scalars: [Float]

    /// Validates that the element count matches the shape.
    public init(shape: [Int], scalars: [Float]) throws {
        guard shape.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: "Tensor", detail: "negative dimension in \(shape)", hint: "use sizes ≥ 0")
        }
        let count = shape.reduce(1, *)
        guard count == scalars.count else {
            throw TensorError.shapeMismatch(
                op: "Tensor", detail: "shape \(shape) holds \(count) elements but \(scalars.count) were given",
                hint: "pass exactly \(count) scalars")
        }
        self.shape = shape
        self.scalars = scalars
    }

    /// For kernels that already know the sizes agree.
    init(uncheckedShape shape: [Int], scalars: [Float]) {
        self.shape = shape
        self.scalars = scalars
    }

    public init(zeros shape: [Int]) {
        self.init(shape: shape, repeating: 0)
    }

    public init(shape: [Int], repeating value: Float) {
        self.shape = shape
        self.scalars = [Float](repeating: value, count: shape.reduce(1, *))
    }

    /// A rank-0 tensor.
    public init(scalar: Float) {
        self.init(uncheckedShape: [], scalars: [scalar])
    }

    public var rank: Int { shape.count }
    public var count: Int { scalars.count }
    /// Row-major strides in elements.
    public var strides: [Int] { Tensor.contiguousStrides(shape) }

    public static func contiguousStrides(_ shape: [Int]) -> [Int] {
        var strides = [Int](repeating: 1, count: shape.count)
        var running = 1
        for axis in stride(from: shape.count - 1, through: 0, by: -1) {
            strides[axis] = running
            running *= shape[axis]
        }
        return strides
    }

    public subscript(indices: Int...) -> Float {
        get { scalars[offset(indices)] }
        set { scalars[offset(indices)] = newValue }
    }

    private func offset(_ indices: [Int]) -> Int {
        precondition(indices.count == shape.count, "index rank \(indices.count) != tensor rank \(shape.count)")
        var offset = 0
        for (index, stride) in zip(indices, strides) { offset += index * stride }
        return offset
    }

    /// Same scalars, new shape; one dimension may be -1 and is inferred.
    public func reshaped(to newShape: [Int]) throws -> Tensor {
        let resolved = try Tensor.resolveShape(newShape, count: count, op: "reshape")
        return Tensor(uncheckedShape: resolved, scalars: scalars)
    }

    static func resolveShape(_ newShape: [Int], count: Int, op: String) throws -> [Int] {
        let inferred = newShape.filter { $0 == -1 }.count
        guard inferred <= 1, newShape.allSatisfy({ $0 >= -1 }) else {
            throw TensorError.invalidArgument(op: op, detail: "target shape \(newShape)", hint: "use at most one -1 and no other negative size")
        }
        let known = newShape.filter { $0 != -1 }.reduce(1, *)
        var resolved = newShape
        if inferred == 1 {
            guard known > 0, count % known == 0 else {
                throw TensorError.shapeMismatch(op: op, detail: "\(count) elements do not fit \(newShape)", hint: "pick sizes whose product divides \(count)")
            }
            resolved[newShape.firstIndex(of: -1)!] = count / known
        }
        guard resolved.reduce(1, *) == count else {
            throw TensorError.shapeMismatch(op: op, detail: "\(count) elements do not fit \(newShape)", hint: "keep the element count unchanged")
        }
        return resolved
    }

    public var description: String { "Tensor(shape: \(shape), scalars: \(scalars.prefix(8))\(count > 8 ? "…" : ""))" }
}

extension Tensor {
    /// Uniform in [low, high).
    public static func uniform(_ shape: [Int], low: Float = 0, high: Float = 1, using rng: inout PCG32) -> Tensor {
        let n = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: n)
        for i in 0..<n { scalars[i] = low + (high - low) * rng.nextFloat() }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// Normal with the given mean and standard deviation.
    public static func normal(_ shape: [Int], mean: Float = 0, std: Float = 1, using rng: inout PCG32) -> Tensor {
        let n = shape.reduce(1, *)
        var scalars = [Float](repeating: 0, count: n)
        for i in 0..<n { scalars[i] = mean + std * rng.nextNormal() }
        return Tensor(uncheckedShape: shape, scalars: scalars)
    }

    /// Largest absolute elementwise difference; for tests and parity checks.
    public func maxAbsDifference(_ other: Tensor) -> Float {
        precondition(shape == other.shape, "shapes \(shape) and \(other.shape) differ")
        var worst: Float = 0
        for i in 0..<count { worst = max(worst, abs(scalars[i] - other.scalars[i])) }
        return worst
    }

    /// True when every element satisfies |a-b| ≤ atol + rtol·|b|.
    public func isClose(to other: Tensor, atol: Float, rtol: Float) -> Bool {
        guard shape == other.shape else { return false }
        for i in 0..<count where abs(scalars[i] - other.scalars[i]) > atol + rtol * abs(other.scalars[i]) { return false }
        return true
    }
}
