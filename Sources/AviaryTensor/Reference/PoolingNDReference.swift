/// A pooling window over any number of spatial axes ([N, C, D₁, …, Dₖ]): kernel, strides,
/// dilations, begin/end pads and ceil mode. Ceil mode lets the last window run past the end
/// padding (never starting past the input and its start padding); those cells count nowhere.
public struct PoolingWindow: Sendable, Hashable {
    public var kernel: [Int], strides: [Int], dilations: [Int], padBegin: [Int], padEnd: [Int]
    public var ceilMode: Bool

    public init(kernel: [Int], strides: [Int]? = nil, dilations: [Int]? = nil, padBegin: [Int]? = nil, padEnd: [Int]? = nil, ceilMode: Bool = false) {
        let ones = [Int](repeating: 1, count: kernel.count), zeros = [Int](repeating: 0, count: kernel.count)
        self.kernel = kernel
        self.strides = strides ?? ones
        self.dilations = dilations ?? ones
        self.padBegin = padBegin ?? zeros
        self.padEnd = padEnd ?? zeros
        self.ceilMode = ceilMode
    }

    /// Output sizes for spatial input sizes `input`.
    public func outputSize(_ op: String, input: [Int]) throws -> [Int] {
        let k = kernel.count
        guard input.count == k, [strides, dilations, padBegin, padEnd].allSatisfy({ $0.count == k }) else {
            throw TensorError.shapeMismatch(op: op, detail: "\(input.count) spatial axes for a \(k)-D window", hint: "give kernel, strides, dilations and pads one value per spatial axis")
        }
        guard kernel.allSatisfy({ $0 > 0 }), strides.allSatisfy({ $0 > 0 }), dilations.allSatisfy({ $0 > 0 }),
              padBegin.allSatisfy({ $0 >= 0 }), padEnd.allSatisfy({ $0 >= 0 }) else {
            throw TensorError.invalidArgument(op: op, detail: "kernel \(kernel), strides \(strides), dilations \(dilations), pads \(padBegin)/\(padEnd)", hint: "use sizes ≥ 1 and pads ≥ 0")
        }
        return try (0..<k).map { axis in
            let span = input[axis] + padBegin[axis] + padEnd[axis] - ((kernel[axis] - 1) * dilations[axis] + 1)
            guard span >= 0 else {
                throw TensorError.shapeMismatch(op: op, detail: "axis of size \(input[axis]) is smaller than the window", hint: "pad more or use a smaller kernel")
            }
            var out = (ceilMode ? (span + strides[axis] - 1) / strides[axis] : span / strides[axis]) + 1
            if ceilMode, (out - 1) * strides[axis] >= input[axis] + padBegin[axis] { out -= 1 }
            return out
        }
    }
}

/// The plain definition of N-D max and average pooling, forward and backward. Each axis is
/// resolved once into the input positions every output position reads (and how many padded
/// cells it covers); a window is the product of its axes' positions.
public enum PoolingNDReference {
    struct Plan {
        var outShape: [Int]
        var cells: [[Int]]  // per output position (within a plane): flat offsets within the input plane
        var counted: [Int]  // per output position: cells inside input + explicit pads
        var planeSize: Int
    }

    static func plan(_ inputShape: [Int], _ window: PoolingWindow) throws -> Plan {
        let spatial = Array(inputShape.dropFirst(2))
        let output = try window.outputSize("pool", input: spatial)
        var positions: [[[Int]]] = [], counts: [[Int]] = []
        for axis in spatial.indices {
            var axisPositions: [[Int]] = [], axisCounts: [Int] = []
            for o in 0..<output[axis] {
                let taps = (0..<window.kernel[axis]).map { o * window.strides[axis] - window.padBegin[axis] + $0 * window.dilations[axis] }
                axisPositions.append(taps.filter { (0..<spatial[axis]).contains($0) })
                axisCounts.append(taps.filter { $0 >= -window.padBegin[axis] && $0 < spatial[axis] + window.padEnd[axis] }.count)
            }
            positions.append(axisPositions)
            counts.append(axisCounts)
        }
        let strides = Tensor.contiguousStrides(spatial), outStrides = Tensor.contiguousStrides(output)
        var cells: [[Int]] = [], counted: [Int] = []
        for flat in 0..<output.reduce(1, *) {
            var offsets = [0], total = 1
            for axis in spatial.indices {
                let o = (flat / outStrides[axis]) % output[axis]
                offsets = offsets.flatMap { base in positions[axis][o].map { base + $0 * strides[axis] } }
                total *= counts[axis][o]
            }
            cells.append(offsets)
            counted.append(total)
        }
        return Plan(outShape: Array(inputShape.prefix(2)) + output, cells: cells, counted: counted, planeSize: spatial.reduce(1, *))
    }

    /// Max pooling and, per output, the flat input index of its maximum (-1 for an empty window).
    public static func maxForward(input: Tensor, window: PoolingWindow) throws -> (output: Tensor, argmax: [Int]) {
        let p = try plan(input.shape, window)
        let planes = input.shape.prefix(2).reduce(1, *)
        var out = [Float](), argmax = [Int]()
        out.reserveCapacity(planes * p.cells.count)
        for plane in 0..<planes {
            let base = plane * p.planeSize
            for cells in p.cells {
                var best = -Float.infinity, index = -1
                for cell in cells where index < 0 || input.scalars[base + cell] > best { best = input.scalars[base + cell]; index = base + cell }
                out.append(index < 0 ? 0 : best)
                argmax.append(index)
            }
        }
        return (Tensor(uncheckedShape: p.outShape, scalars: out), argmax)
    }

    public static func maxBackward(gradOutput: Tensor, argmax: [Int], inputShape: [Int]) -> Tensor {
        var grad = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for (o, k) in argmax.enumerated() where k >= 0 { grad[k] += gradOutput.scalars[o] }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }

    /// Average pooling; `countIncludePad` divides by the cells inside input and explicit pads
    /// (not ceil mode's overhang), otherwise by the input cells only.
    public static func averageForward(input: Tensor, window: PoolingWindow, countIncludePad: Bool) throws -> Tensor {
        let p = try plan(input.shape, window)
        let planes = input.shape.prefix(2).reduce(1, *)
        var out = [Float]()
        out.reserveCapacity(planes * p.cells.count)
        for plane in 0..<planes {
            let base = plane * p.planeSize
            for (cells, counted) in zip(p.cells, p.counted) {
                var sum = 0.0
                for cell in cells { sum += Double(input.scalars[base + cell]) }
                let divisor = countIncludePad ? counted : cells.count
                out.append(divisor == 0 ? 0 : Float(sum / Double(divisor)))
            }
        }
        return Tensor(uncheckedShape: p.outShape, scalars: out)
    }

    public static func averageBackward(gradOutput: Tensor, inputShape: [Int], window: PoolingWindow, countIncludePad: Bool) throws -> Tensor {
        let p = try plan(inputShape, window)
        let planes = inputShape.prefix(2).reduce(1, *)
        var grad = [Float](repeating: 0, count: inputShape.reduce(1, *))
        for plane in 0..<planes {
            let base = plane * p.planeSize
            for (index, (cells, counted)) in zip(p.cells, p.counted).enumerated() {
                let divisor = countIncludePad ? counted : cells.count
                guard divisor > 0 else { continue }
                let share = gradOutput.scalars[plane * p.cells.count + index] / Float(divisor)
                for cell in cells { grad[base + cell] += share }
            }
        }
        return Tensor(uncheckedShape: inputShape, scalars: grad)
    }
}
