import Foundation

/// The process's peak resident memory (VmHWM), resettable so that each config gets its own peak.
/// Writing 5 to /proc/self/clear_refs resets the high-water mark to the current resident size
/// (Linux 4.0+); the whole-run peak is then the largest per-config peak.
enum PeakMemory {
    static func reset() {
        let fd = open("/proc/self/clear_refs", O_WRONLY)
        guard fd >= 0 else { return }
        _ = write(fd, "5", 1)
        close(fd)
    }

    /// VmHWM in MB, 0 where /proc is missing.
    static func megabytes() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8),
              let line = status.split(separator: "\n").first(where: { $0.hasPrefix("VmHWM:") }),
              let kb = Double(line.split(separator: " ").dropFirst().first ?? "") else { return 0 }
        return kb / 1024
    }
}
