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
public struct FileBlobSource: BlobSource {
    public static let chunkSize = 1 << 20

    let descriptor: Int32
    let name: String
    let closesDescriptor: Bool

    /// Reads the file at `url`; the file is opened at once so that a missing file fails here.
    public init(url: URL) throws {
        let fd = open(url.path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw StoreError.io(path: url.path, operation: "open", reason: lastErrorText()) }
        self.descriptor = fd
        self.name = url.path
        self.closesDescriptor = true
    }

    /// Reads an already open descriptor such as standard input; the caller keeps ownership.
    public init(descriptor: Int32, name: String) {
        self.descriptor = descriptor
        self.name = name
        self.closesDescriptor = false
    }

    public func forEachChunk(_ body: (UnsafeRawBufferPointer) throws -> Void) throws {
        defer { if closesDescriptor { close(descriptor) } }
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

/// The text of the current `errno`.
func lastErrorText() -> String {
    String(cString: strerror(errno))
}
