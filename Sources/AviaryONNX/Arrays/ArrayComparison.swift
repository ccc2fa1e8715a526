/// How close an array is to a reference, judged as `numpy.testing.assert_allclose` does (the ONNX
/// backend test runner's check): |actual − expected| ≤ atol + rtol·|expected| elementwise, NaN
/// matching NaN, integers and bools exactly. The report says where and by how much it missed.
public struct ArrayComparison: Sendable, Equatable, CustomStringConvertible {
    public enum Verdict: Sendable, Equatable {
        case close
        case shapeMismatch(actual: [Int], expected: [Int])
        case typeMismatch(actual: ElementType, expected: ElementType)
        /// `mismatches` elements out of tolerance; the first at flat `index`.
        case valuesDiffer(mismatches: Int, index: Int, actual: Double, expected: Double)
    }

    public var verdict: Verdict
    public var maxAbsoluteDifference: Double
    public var isClose: Bool { verdict == .close }

    public init(actual: HostArray, expected: HostArray, rtol: Double = 1e-3, atol: Double = 1e-7) {
        maxAbsoluteDifference = 0
        guard actual.elementType == expected.elementType else {
            verdict = .typeMismatch(actual: actual.elementType, expected: expected.elementType)
            return
        }
        guard actual.shape == expected.shape else {
            verdict = .shapeMismatch(actual: actual.shape, expected: expected.shape)
            return
        }
        let (a, e) = (Self.doubles(actual), Self.doubles(expected))
        let width = actual.elementType.byteCount
        var mismatches = 0
        var first: (Int, Double, Double)?
        for index in a.indices {
            let (x, y) = (a[index], e[index])
            let differs: Bool
            if actual.elementType.isFloatingPoint {
                if x == y || (x.isNaN && y.isNaN) { continue }  // equal infinities too
                let difference = abs(x - y)
                maxAbsoluteDifference = difference.isNaN ? .nan : max(maxAbsoluteDifference, difference)
                // Unequal infinities differ even though inf ≤ rtol·inf; NaN against a number fails the test.
                differs = x.isInfinite || y.isInfinite || !(difference <= atol + rtol * abs(y))
            } else {
                // Integers and bools exactly, by their bytes: 64-bit values need not fit a Double.
                let range = (index * width)..<((index + 1) * width)
                if actual.bytes[range] == expected.bytes[range] { continue }
                maxAbsoluteDifference = max(maxAbsoluteDifference, abs(x - y))
                differs = true
            }
            if differs {
                mismatches += 1
                if first == nil { first = (index, x, y) }
            }
        }
        if let (index, x, y) = first {
            verdict = .valuesDiffer(mismatches: mismatches, index: index, actual: x, expected: y)
        } else {
            verdict = .close
        }
    }

    /// Doubles hold every float type exactly, and integers well enough to report them.
    private static func doubles(_ array: HostArray) -> [Double] {
        switch array.elementType {
        case .float64: return (try? array.values(as: Double.self)) ?? []
        case .int64: return ((try? array.values(as: Int64.self)) ?? []).map { Double($0) }
        case .uint64: return ((try? array.values(as: UInt64.self)) ?? []).map { Double($0) }
        default: return array.floats().map(Double.init)
        }
    }

    public var description: String {
        switch verdict {
        case .close:
            "close (max |difference| \(maxAbsoluteDifference))"
        case let .shapeMismatch(actual, expected):
            "shape \(actual) differs from the expected \(expected)"
        case let .typeMismatch(actual, expected):
            "element type \(actual) differs from the expected \(expected)"
        case let .valuesDiffer(mismatches, index, actual, expected):
            "\(mismatches) elements out of tolerance, the first at index \(index): \(actual) vs expected \(expected) "
                + "(max |difference| \(maxAbsoluteDifference))"
        }
    }
}
