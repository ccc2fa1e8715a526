import Foundation

/// PCG-XSH-RR 32 (O'Neill 2014): small, fast, and the same sequence on every platform, so a seed
/// reproduces a run (initialisation, dropout masks, shuffles) exactly.
public struct PCG32: RandomNumberGenerator, Sendable, Equatable, Codable {
    public private(set) var state: UInt64
    public private(set) var increment: UInt64

    public init(seed: UInt64, stream: UInt64 = 0x5851_F42D_4C95_7F2D) {
        state = 0
        increment = (stream << 1) | 1
        _ = nextUInt32()
        state &+= seed
        _ = nextUInt32()
    }

    public mutating func nextUInt32() -> UInt32 {
        let old = state
        state = old &* 6_364_136_223_846_793_005 &+ increment
        let xorShifted = UInt32(truncatingIfNeeded: ((old >> 18) ^ old) >> 27)
        let rotation = UInt32(truncatingIfNeeded: old >> 59)
        return (xorShifted >> rotation) | (xorShifted << ((~rotation &+ 1) & 31))
    }

    public mutating func next() -> UInt64 {
        (UInt64(nextUInt32()) << 32) | UInt64(nextUInt32())
    }

    /// Uniform in [0, 1) with 24 bits of precision.
    public mutating func nextFloat() -> Float {
        Float(nextUInt32() >> 8) * (1.0 / 16_777_216.0)
    }

    /// Standard normal by Box–Muller (one draw per call; simple beats fast here).
    public mutating func nextNormal() -> Float {
        let u1 = max(Double(nextUInt32()) / 4_294_967_296.0, 1e-12)
        let u2 = Double(nextUInt32()) / 4_294_967_296.0
        return Float((-2 * log(u1)).squareRoot() * cos(2 * Double.pi * u2))
    }

    /// Uniform integer in 0..<bound.
    public mutating func nextInt(below bound: Int) -> Int {
        Int(next() % UInt64(bound))
    }
}
