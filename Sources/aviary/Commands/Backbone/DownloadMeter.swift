import AviaryCore
import Foundation

/// The download's progress on standard error: bytes, total and percentage, redrawn on a terminal,
/// every 25% otherwise.
final class DownloadMeter: @unchecked Sendable {
    private let interactive = isatty(STDERR_FILENO) == 1
    private let lock = NSLock()
    private var lastStep = -1
    private var drawn = false

    func show(_ event: BackbonePull.Event) {
        lock.lock()
        defer { lock.unlock() }
        switch event {
        case .fetchingIndex(let url):
            write("looking up \(url.absoluteString)\n")
        case let .downloading(filename, received, total):
            let percent = total.map { $0 > 0 ? Int(100 * received / $0) : 100 }
            let step = interactive ? (percent ?? Int(received >> 20)) : (percent ?? 0) / 25
            guard step != lastStep else { return }
            lastStep = step
            let amount = "\(ByteCount(received))" + (total.map { " of \(ByteCount($0))" } ?? "") + (percent.map { " (\($0)%)" } ?? "")
            write(interactive ? "\r\u{1B}[Kdownloading \(filename): \(amount)" : "downloading \(filename): \(amount)\n")
            drawn = interactive
        case let .downloaded(filename, bytes):
            finishLine()
            write("downloaded \(filename) (\(ByteCount(bytes)))\n")
        }
    }

    func finish() {
        lock.lock()
        defer { lock.unlock() }
        finishLine()
    }

    private func finishLine() {
        if drawn { write("\n") }
        drawn = false
    }

    private func write(_ text: String) {
        FileHandle.standardError.write(Data(text.utf8))
    }
}
