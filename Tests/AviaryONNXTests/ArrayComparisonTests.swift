@testable import AviaryONNX
import Testing

@Suite struct ArrayComparisonTests {
    @Test func floatsWithinRelativeAndAbsoluteTolerance() throws {
        let expected = try HostArray(shape: [4], values: [Float(1000), 0, .nan, .infinity])
        #expect(ArrayComparison(actual: try HostArray(shape: [4], values: [Float(1000.9), 5e-8, .nan, .infinity]), expected: expected).isClose)
        let far = ArrayComparison(actual: try HostArray(shape: [4], values: [Float(1001.2), 2e-7, .nan, .infinity]), expected: expected)
        #expect(far.verdict == .valuesDiffer(mismatches: 2, index: 0, actual: Double(Float(1001.2)), expected: 1000))
        let infinity = ArrayComparison(actual: try HostArray(shape: [4], values: [Float(1000), 0, .nan, -.infinity]), expected: expected)
        #expect(infinity.verdict == .valuesDiffer(mismatches: 1, index: 3, actual: -.infinity, expected: .infinity))
    }

    @Test func integersExactlyEvenBeyondDoublePrecision() throws {
        let big = Int64(1) << 60
        let comparison = ArrayComparison(actual: try HostArray(shape: [2], values: [big, 1]), expected: try HostArray(shape: [2], values: [big + 1, 1]))
        #expect(!comparison.isClose)
        guard case .valuesDiffer(let mismatches, let index, _, _) = comparison.verdict else { Issue.record("\(comparison)"); return }
        #expect(mismatches == 1)
        #expect(index == 0)
    }

    @Test func shapeAndTypeMismatches() throws {
        let a = try HostArray(shape: [2], values: [Float(1), 2])
        #expect(ArrayComparison(actual: a, expected: try a.reshaped([1, 2])).verdict == .shapeMismatch(actual: [2], expected: [1, 2]))
        #expect(ArrayComparison(actual: a, expected: try HostArray(shape: [2], values: [1.0, 2.0])).verdict == .typeMismatch(actual: .float32, expected: .float64))
        #expect("\(ArrayComparison(actual: a, expected: try a.reshaped([1, 2])))" == "shape [2] differs from the expected [1, 2]")
    }
}
