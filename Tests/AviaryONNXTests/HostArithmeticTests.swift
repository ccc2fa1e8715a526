@testable import AviaryONNX
import Testing

@Suite struct HostArithmeticTests {
    static let node = NodeAttributes(Onnx_NodeProto(), index: 0, opset: 14)

    @Test func wrapsAndBroadcastsLikeNumPy() throws {
        let a = try HostArray(shape: [2, 2], values: [UInt8(250), 1, 2, 3])
        let b = try HostArray(shape: [2], values: [UInt8(10), 255])
        #expect(try HostArithmetic.apply("Add", a, b, Self.node).values(as: UInt8.self) == [4, 0, 12, 2])
        #expect(try HostArithmetic.apply("Sub", b, a, Self.node).values(as: UInt8.self) == [16, 254, 8, 252])
        let big = try HostArray(shape: [1], values: [UInt64.max])
        #expect(try HostArithmetic.apply("Mul", big, big, Self.node).values(as: UInt64.self) == [1])
    }

    @Test func divisionTruncatesTowardZero() throws {
        let a = try HostArray(shape: [4], values: [Int8(7), -7, -128, 9])
        let b = try HostArray(shape: [4], values: [Int8(2), 2, -1, -4])
        #expect(try HostArithmetic.apply("Div", a, b, Self.node).values(as: Int8.self) == [3, -3, -128, -2])
        #expect(throws: ONNXImportError.self) {
            try HostArithmetic.apply("Div", a, try HostArray(shape: [1], values: [Int8(0)]), Self.node)
        }
        #expect(HostArithmetic.broadcastShape([3, 1, 5], [4, 1]) == [3, 4, 5])
        #expect(HostArithmetic.broadcastShape([3], [4]) == nil)
    }
}
