import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether anything of a process group is left, for tests that kill one.
///
/// Two questions, because the killed members of a group whose leader we reaped are orphans: they turn
/// into zombies at once, but init reaps them on its own schedule (about 1.6 s in this machine's
/// container), and until then `kill(-group, 0)` still succeeds.
public enum ProcessGroupProbe {
    /// The group's members that are not zombies, from /proc/*/stat (Linux).
    public static func livingMembers(of group: pid_t) -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
                  let afterName = stat.range(of: ")", options: .backwards) else { return false }
            // After the command's name: state, ppid, pgrp, …
            let fields = stat[afterName.upperBound...].split(separator: " ")
            return fields.count > 2 && fields[0] != "Z" && pid_t(fields[2]) == group
        }
    }

    /// Waits up to `limit` for no member of the group to be alive; true if none is.
    public static func noneAlive(in group: pid_t, within limit: Duration = .seconds(2)) async throws -> Bool {
        try await poll(limit) { livingMembers(of: group).isEmpty }
    }

    /// Waits up to `limit` for `kill(-group, 0)` to fail with ESRCH: no process of the group at all, zombies included.
    public static func isGone(_ group: pid_t, within limit: Duration = .seconds(5)) async throws -> Bool {
        try await poll(limit) { kill(-group, 0) == -1 && errno == ESRCH }
    }

    private static func poll(_ limit: Duration, _ condition: () -> Bool) async throws -> Bool {
        let deadline = ContinuousClock.now + limit
        while !condition() {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(10))
        }
        return true
    }

    /// The pid a script wrote to `file` (a line ending in a newline), once it has; nil after `limit`.
    public static func pid(writtenTo file: URL, within limit: Duration = .seconds(10)) async throws -> pid_t? {
        var pid: pid_t?
        _ = try await poll(limit) {
            guard let text = try? String(contentsOf: file, encoding: .utf8), text.hasSuffix("\n") else { return false }
            pid = pid_t(text.trimmingCharacters(in: .whitespacesAndNewlines))
            return pid != nil
        }
        return pid
    }

    /// What `cancelOnceStarted` saw.
    public struct Cancelled<T: Sendable>: Sendable {
        /// The pid the command wrote: its process group, when it is the group's leader.
        public var pid: pid_t
        /// From the cancellation to the work's return.
        public var returnedAfter: Duration
        public var result: Result<T, any Error>
    }

    /// Runs `work` as a child task (so that it keeps the test's own thread, see `OwnThreadTrait`),
    /// cancels it as soon as its command has written its pid to `pidFile`, and times its return.
    public static func cancelOnceStarted<T: Sendable>(writing pidFile: URL, _ work: @escaping @Sendable () async throws -> T) async throws -> Cancelled<T> {
        try await withThrowingTaskGroup(of: Result<T, any Error>.self) { group in
            group.addTask {
                do { return .success(try await work()) } catch { return .failure(error) }
            }
            guard let pid = try await pid(writtenTo: pidFile) else {
                group.cancelAll()
                throw CocoaError(.fileReadNoSuchFile, userInfo: [NSLocalizedDescriptionKey: "the command never wrote its pid to \(pidFile.path)"])
            }
            let cancelled = ContinuousClock.now
            group.cancelAll()
            let result = try await group.next()!
            return Cancelled(pid: pid, returnedAfter: ContinuousClock.now - cancelled, result: result)
        }
    }
}
