import Foundation

/// Durations as people write them in pipeline files: `500ms`, `30s`, `10m`, `2h`, `7d`, or a plain
/// number of seconds.
public enum DurationText {
    static let units: [(suffix: String, seconds: Double)] = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600), ("d", 86_400)]

    /// Seconds, or nil when the text is not a duration.
    public static func seconds(_ text: String) -> Double? {
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        if let plain = Double(trimmed) { return plain >= 0 ? plain : nil }
        for unit in units where trimmed.hasSuffix(unit.suffix) {
            guard let number = Double(trimmed.dropLast(unit.suffix.count)), number >= 0 else { continue }
            return number * unit.seconds
        }
        return nil
    }

    /// The shortest exact spelling: `7d`, `90s`, `1.5s`.
    public static func format(_ seconds: Double) -> String {
        for unit in units.reversed() where seconds >= unit.seconds {
            let count = seconds / unit.seconds
            if count == count.rounded() { return "\(Int(count))\(unit.suffix)" }
        }
        return seconds == seconds.rounded() ? "\(Int(seconds))s" : "\(seconds)s"
    }
}
