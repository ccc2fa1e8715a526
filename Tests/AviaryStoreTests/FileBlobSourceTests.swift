@testable import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// A file source owns the descriptor it opened: it reads the same bytes however often it is read,
/// and closes the file when it is gone, read or not (never a number someone else reopened).
@Suite struct FileBlobSourceTests {
    private func collect(_ source: FileBlobSource) throws -> Data {
        var data = Data()
        try source.forEachChunk { data.append(contentsOf: $0) }
        return data
    }

    /// What /proc/self/fd/N points at now, or nil when N is closed.
    private func target(of descriptor: Int32) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(descriptor)")
    }

    @Test func aSourceReadTwiceGivesTheSameBytes() throws {
        let directory = TemporaryDirectory()
        let bytes = Data((0..<(FileBlobSource.chunkSize + 4_321)).map { UInt8(truncatingIfNeeded: $0 &* 31) })
        let source = try FileBlobSource(url: try directory.write("twice.bin", bytes))
        #expect(try collect(source) == bytes)
        #expect(try collect(source) == bytes)
    }

    @Test func theFileClosesWhenTheSourceIsGoneEvenUnread() throws {
        let directory = TemporaryDirectory()
        let path = try directory.write("unread-\(UUID().uuidString).bin", Data("x".utf8)).path
        var descriptors: [Int32] = []
        for _ in 0..<50 {
            let source = try FileBlobSource(url: URL(fileURLWithPath: path))
            descriptors.append(source.file.descriptor)
            #expect(target(of: source.file.descriptor) == path)
        }
        // Each descriptor number may have been reused since, but none still points at this file.
        #expect(descriptors.filter { target(of: $0) == path }.isEmpty)
    }

    @Test func aBorrowedDescriptorStaysOpen() throws {
        let directory = TemporaryDirectory()
        let path = try directory.write("borrowed.bin", Data("borrowed".utf8)).path
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        try #require(fd >= 0)
        defer { close(fd) }
        do {
            let source = FileBlobSource(descriptor: fd, name: "borrowed")
            #expect(try collect(source) == Data("borrowed".utf8))
        }
        #expect(fcntl(fd, F_GETFD) >= 0)
    }
}
