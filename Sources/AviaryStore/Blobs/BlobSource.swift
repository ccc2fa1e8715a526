import Foundation

/// Something a blob store can read a new blob from, one chunk at a time.
public protocol BlobSource {
    /// Calls `body` with successive chunks until the source is exhausted.
    func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws
}

/// Bytes already in memory.
public struct DataBlobSource: BlobSource {
    let data: Data

    public init(_ data: Data) { self.data = data }

    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        try data.withUnsafeBytes { try body($0) }
    }
}

/// An open file descriptor read in fixed-size chunks: a file, a pipe or standard input.
///
/// A file opened here belongs to the source: it closes when the last copy of the source is gone,
/// and each `forEachChunk` reads it from the start, so a source read twice (a retried upload) reads
/// the same bytes and one never read leaks nothing. Closing it inside `forEachChunk` instead, as
/// before, closed a descriptor number that another thread may have reopened by the second call.
public struct FileBlobSource: BlobSource {
    public static let chunkSize = 1 << 20

    let file: OpenDescriptor
    let name: String

    /// Reads the file at `url`; the file is opened at once so that a missing file fails here.
    public init(url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(path: url.path, operation: "open", reason: lastErrorText()) }
        self.file = OpenDescriptor(fd, owned: true)
        self.name = url.path
    }

    /// Reads an already open descriptor such as standard input, once; the caller keeps ownership.
    public init(descriptor: Int32, name: String) {
        self.file = OpenDescriptor(descriptor, owned: false)
        self.name = name
    }

    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        let descriptor = file.descriptor
        if file.owned && lseek(descriptor, 0, SEEK_SET) < 0 {
            throw StoreError.io(path: name, operation: "seek", reason: lastErrorText())
        }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: Self.chunkSize, alignment: 16)
        defer { buffer.deallocate() }
        while true {
            let count = read(descriptor, buffer.baseAddress, buffer.count)
            if count < 0 {
                if errno == EINTR { continue }
                throw StoreError.io(path: name, operation: "read", reason: lastErrorText())
            }
            if count == 0 { return }
            try body(UnsafeRawBufferPointer(rebasing: buffer[0..<count]))
        }
    }
}

/// A file descriptor closed when the last reference goes, if this process opened it.
final class OpenDescriptor: Sendable {
    let descriptor: Int32
    let owned: Bool

    init(_ descriptor: Int32, owned: Bool) {
        self.descriptor = descriptor
        self.owned = owned
    }

    deinit {
        if owned { close(descriptor) }
    }
}

/// The text of the current `errno`.
func lastErrorText() -> String {
    String(cString: strerror(errno))
}
