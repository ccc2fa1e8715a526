import Synchronization

/// Where UUIDs, MathRandom and retry jitter draw from; inject a seeded one for reproducible tests.
public protocol RandomSource: Sendable {
    func nextUInt64() -> UInt64
}

extension RandomSource {
    /// A uniform value in [0, 1).
    func nextUnit() -> Double { Double(nextUInt64() >> 11) / Double(1 << 53) }
}

public struct SystemRandomSource: RandomSource {
    public init() {}
    public func nextUInt64() -> UInt64 { UInt64.random(in: .min ... .max) }
}

/// A deterministic generator (SplitMix64) behind a mutex so concurrent branches can share it.
public final class SeededRandomSource: RandomSource {
    private let state: Mutex<SplitMix64>
    public init(seed: UInt64) { state = Mutex(SplitMix64(seed: seed)) }
    public func nextUInt64() -> UInt64 { state.withLock { $0.next() } }
}

struct SplitMix64: Sendable {
    private var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
