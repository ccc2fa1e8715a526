/// Java's `Double.toString` spelling, which AWS prints: shortest round-trip digits, always a
/// fractional part, and scientific notation (`1.0E-5`, `1.2E7`) outside [1e-3, 1e7).
enum JavaDouble {
    public static func format(_ value: Double) -> String {
        if value.isNaN { return "NaN" }
        if value.isInfinite { return value < 0 ? "-Infinity" : "Infinity" }
        if value == 0 { return value.sign == .minus ? "-0.0" : "0.0" }
        let (digits, exponent) = shortestDigits(abs(value))
        let sign = value < 0 ? "-" : ""
        let magnitude = abs(value)
        if magnitude >= 1e-3 && magnitude < 1e7 {
            // exponent is the power of ten of the first digit
            if exponent >= 0 {
                let intCount = exponent + 1
                let padded = digits.count < intCount ? digits + String(repeating: "0", count: intCount - digits.count) : digits
                let intPart = String(padded.prefix(intCount))
                let frac = String(padded.dropFirst(intCount))
                return sign + intPart + "." + (frac.isEmpty ? "0" : frac)
            }
            return sign + "0." + String(repeating: "0", count: -exponent - 1) + digits
        }
        let frac = String(digits.dropFirst())
        return sign + String(digits.prefix(1)) + "." + (frac.isEmpty ? "0" : frac) + "E" + String(exponent)
    }

    /// The significant digits of Swift's shortest round-trip representation and the decimal
    /// exponent of the first digit.
    private static func shortestDigits(_ value: Double) -> (String, Int) {
        let text = "\(value)"
        var mantissa = text
        var exp = 0
        if let e = text.firstIndex(where: { $0 == "e" || $0 == "E" }) {
            mantissa = String(text[..<e])
            exp = Int(text[text.index(after: e)...]) ?? 0
        }
        let parts = mantissa.split(separator: ".", omittingEmptySubsequences: false)
        let intPart = String(parts[0])
        let fracPart = parts.count > 1 ? String(parts[1]) : ""
        var all = intPart + fracPart
        var pointPos = intPart.count + exp
        while all.hasPrefix("0") && all.count > 1 { all.removeFirst(); pointPos -= 1 }
        while all.hasSuffix("0") && all.count > 1 { all.removeLast() }
        return (all, pointPos - 1)
    }
}
