@testable import AviaryONNX
import Testing

@Suite struct HalfPrecisionTests {
    @Test func knownBitPatterns() {
        #expect(HalfPrecision.float(fromHalf: 0x3C00) == 1)
        #expect(HalfPrecision.float(fromHalf: 0xC000) == -2)
        #expect(HalfPrecision.float(fromHalf: 0x7BFF) == 65504)
        #expect(HalfPrecision.float(fromHalf: 0x0001) == Float(sign: .plus, exponent: -24, significand: 1))
        #expect(HalfPrecision.float(fromHalf: 0x7C00) == .infinity)
        #expect(HalfPrecision.float(fromHalf: 0x7E00).isNaN)
        #expect(HalfPrecision.float(fromHalf: 0x8000).sign == .minus)
        #expect(HalfPrecision.float(fromBFloat16: 0x4049) == 3.140625)
        #expect(HalfPrecision.bfloat16(fromFloat: 3.14159) == 0x4049)
    }

    /// Every finite half survives half → float → half unchanged.
    @Test func everyHalfRoundTrips() {
        for bits in UInt16.min...UInt16.max where bits & 0x7C00 != 0x7C00 || bits & 0x3FF == 0 {
            #expect(HalfPrecision.half(fromFloat: HalfPrecision.float(fromHalf: bits)) == bits)
        }
    }

    /// float32 → float16 rounds like NumPy (ties to even, subnormals, overflow to infinity).
    @Test func roundsLikeNumPy() throws {
        let floats = try NumPyFile.read(Fixture.url("half/floats.npy")).values(as: Float.self)
        let halves = try NumPyFile.read(Fixture.url("half/halves.npy")).halfBits()
        #expect(floats.count == 516)
        for (value, expected) in zip(floats, halves) {
            #expect(HalfPrecision.half(fromFloat: value) == expected, "\(value)")
        }
    }
}
