import Foundation
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// Our end of a pipe to a child, read and written with read(2) and write(2).
///
/// Not FileHandle: on Linux its `readDataToEndOfFile` and `availableData` trap on EINTR and EBADF
/// (a `try!` inside; swiftlang/swift#57827), which took the whole process down when many children
/// ran at once. Every call here blocks: make them on a thread of your own, never on Swift's
/// cooperative pool.
public final class PipeEnd: Sendable {
    public let fileDescriptor: Int32
    private let isOpen = Atomic<Bool>(true)

    /// Takes ownership of `fileDescriptor`: it is closed by `close()` or when this is released.
    public init(fileDescriptor: Int32) { self.fileDescriptor = fileDescriptor }

    deinit { close() }

    public func close() {
        if isOpen.exchange(false, ordering: .acquiringAndReleasing) { _ = Glibc.close(fileDescriptor) }
    }

    /// Everything up to end of file. A signal retries the read; any other error ends the output there.
    public func readToEnd() -> Data { Self.readToEnd(fileDescriptor: fileDescriptor) }

    /// What one read(2) returns, at most `count` bytes: empty at end of file (or on an error other than EINTR).
    public func read(upTo count: Int = 64 * 1024) -> Data {
        var buffer = [UInt8](repeating: 0, count: count)
        while true {
            let got = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if got >= 0 { return Data(buffer[0..<got]) }
            if errno != EINTR { return Data() }
        }
    }

    /// Writes all of `data`; false when the reader went away (EPIPE) or another error stopped it.
    /// SIGPIPE must be ignored in this process for EPIPE to arrive as an error (see `RunningChild.communicate`).
    @discardableResult
    public func write(_ data: Data) -> Bool {
        data.withUnsafeBytes { bytes in
            var offset = 0
            while offset < bytes.count {
                let wrote = Glibc.write(fileDescriptor, bytes.baseAddress! + offset, bytes.count - offset)
                if wrote > 0 { offset += wrote } else if wrote < 0 && errno == EINTR { continue } else { return false }
            }
            return true
        }
    }

    /// Everything up to end of file on any descriptor, which stays open.
    public static func readToEnd(fileDescriptor: Int32) -> Data {
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 * 1024)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fileDescriptor, $0.baseAddress, $0.count) }
            if count > 0 { data.append(contentsOf: buffer[0..<count]); continue }
            if count < 0 && errno == EINTR { continue }
            return data
        }
    }
}
