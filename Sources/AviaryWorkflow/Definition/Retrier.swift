/// One Retry entry. Defaults are the spec's: 1 s interval, 3 attempts, backoff 2.0, no jitter.
public struct Retrier: Sendable {
    public enum Jitter: String, Sendable { case full = "FULL", none = "NONE" }
    public let errorEquals: [String]
    public let intervalSeconds: Int
    public let maxAttempts: Int
    public let backoffRate: Double
    public let maxDelaySeconds: Int?
    public let jitter: Jitter

    /// The delay before retry number `attempt` (0-based), before jitter.
    public func delay(attempt: Int, random: any RandomSource) -> Double {
        var seconds = Double(intervalSeconds) * pow(backoffRate, Double(attempt))
        if let maxDelaySeconds { seconds = min(seconds, Double(maxDelaySeconds)) }
        if jitter == .full { seconds *= random.nextUnit() }
        return seconds
    }
}

/// One Catch entry.
public struct Catcher: Sendable {
    public let errorEquals: [String]
    public let next: String
    public let resultPath: ResultPathSpec
}

/// Whether an ErrorEquals list matches an error name; `States.ALL` matches everything except
/// the terminal runtime errors, and `States.TaskFailed` matches any error other than timeouts.
func errorMatches(_ list: [String], _ error: String?) -> Bool {
    let name = error ?? ""
    for candidate in list {
        if candidate == name { return true }
        if candidate == ErrorName.all && !ErrorName.terminal.contains(name) { return true }
        if candidate == ErrorName.taskFailed && !name.hasPrefix("States.") && !name.isEmpty { return true }
    }
    return false
}

private func pow(_ base: Double, _ exponent: Double) -> Double {
    var result = 1.0
    var n = Int(exponent)
    var b = base
    while n > 0 {
        if n & 1 == 1 { result *= b }
        b *= b
        n >>= 1
    }
    return result
}
