import CTurboJPEG

/// A DCT-domain scaling factor: libjpeg-turbo can run the inverse DCT at M/8 of full size, which
/// shrinks an image for a fraction of the cost of decoding it whole.
public struct JPEGScaleFactor: Sendable, Hashable, CustomStringConvertible {
    public let numerator: Int
    public let denominator: Int

    public static let full = JPEGScaleFactor(numerator: 1, denominator: 1)

    public init(numerator: Int, denominator: Int) {
        self.numerator = numerator
        self.denominator = denominator
    }

    /// The decoded length of a side, rounded up exactly as TurboJPEG's TJSCALED does.
    public func scaled(_ length: Int) -> Int { (length * numerator + denominator - 1) / denominator }

    public var isPowerOfTwoReduction: Bool { numerator == 1 && [1, 2, 4, 8].contains(denominator) }

    public var description: String { "\(numerator)/\(denominator)" }

    /// The factors this libjpeg-turbo offers that shrink (or keep) the image.
    public static let available: [JPEGScaleFactor] = {
        var count: Int32 = 0
        guard let factors = tjGetScalingFactors(&count) else { return [.full] }
        return (0..<Int(count)).map { JPEGScaleFactor(numerator: Int(factors[$0].num), denominator: Int(factors[$0].denom)) }
            .filter { $0.numerator <= $0.denominator }
    }()

    /// The smallest factor whose decoded size still covers `minimum` on both sides. With
    /// `fractional` false only 1/2, 1/4 and 1/8 are considered, the factors with SIMD inverse DCTs.
    public static func choose(width: Int, height: Int, minimum: Size, fractional: Bool,
                              from factors: [JPEGScaleFactor] = available) -> JPEGScaleFactor {
        var best = JPEGScaleFactor.full
        for factor in factors where fractional || factor.isPowerOfTwoReduction {
            let fits = factor.scaled(width) >= minimum.width && factor.scaled(height) >= minimum.height
            if fits && factor.numerator * best.denominator < best.numerator * factor.denominator {
                best = factor
            }
        }
        return best
    }
}
