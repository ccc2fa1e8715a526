import Foundation

/// A progress line on standard error: count, percentage, rate and time left. On a terminal it redraws
/// one line; otherwise (logs, CI) it prints a line at most every few seconds. Standard output is left
/// to the result.
final class ProgressMeter: @unchecked Sendable {
    private let label: String
    private let unit: String
    private let interactive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastPrint = Date.distantPast
    private var printed = false

    init(label: String, unit: String) {
        self.label = label
        self.unit = unit
    }

    func update(done: Int, total: Int, elapsed: TimeInterval, extra: String = "") {
        lock.lock()
        defer { lock.unlock() }
        let now = Date()
        guard now.timeIntervalSince(lastPrint) >= (interactive ? 0.2 : 5) || done == total else { return }
        lastPrint = now
        let rate = elapsed > 0 ? Double(done) / elapsed : 0
        let left = rate > 0 ? Double(total - done) / rate : 0
        let percent = total > 0 ? 100 * done / total : 100
        var line = "\(label): \(done)/\(total) \(unit) (\(percent)%), \(Int(rate)) \(unit)/s, ETA \(Self.duration(left))"
        if !extra.isEmpty { line += ", \(extra)" }
        FileHandle.standardError.write(Data((interactive ? "\r\u{1B}[K" + line : line + "\n").utf8))
        printed = true
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        if interactive && printed { FileHandle.standardError.write(Data("\n".utf8)) }
    }

    static func duration(_ seconds: TimeInterval) -> String {
        let total = Int(seconds.rounded())
        return total >= 3600 ? "\(total / 3600)h\(total % 3600 / 60)m" : total >= 60 ? "\(total / 60)m\(total % 60)s" : "\(total)s"
    }
}
