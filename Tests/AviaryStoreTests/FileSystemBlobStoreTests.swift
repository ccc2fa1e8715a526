@testable import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// Behaviour specific to the embedded blob store: its layout on disk and its crash leftovers.
@Suite struct FileSystemBlobStoreTests {
    @Test func storesBlobsUnderAFanOutOfTheirDigest() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let info = try store.put(Data("hello\n".utf8))
        let expected = directory.file("blobs/sha256/58/91b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        #expect(store.path(of: info.id).path == expected.path)
        #expect(try Data(contentsOf: expected) == Data("hello\n".utf8))
        let permissions = try FileManager.default.attributesOfItem(atPath: expected.path)[.posixPermissions] as? Int
        #expect(permissions == 0o444)
        #expect(try store.temporaryFiles().isEmpty)
    }

    @Test func aBatchOfAlreadyStoredBlobsLinksNothingAndLeavesNothing() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let sources = ["a", "b", "c"].map { DataBlobSource(Data($0.utf8)) }
        let first = try store.put(batch: sources)
        let modified = try first.map { try FileManager.default.attributesOfItem(atPath: store.path(of: $0.id).path)[.modificationDate] as? Date }
        let again = try store.put(batch: sources + [DataBlobSource(Data("d".utf8))])
        #expect(Array(again.prefix(3)) == first)
        #expect(try store.data(again[3].id) == Data("d".utf8))
        let after = try first.map { try FileManager.default.attributesOfItem(atPath: store.path(of: $0.id).path)[.modificationDate] as? Date }
        #expect(after == modified, "a stored blob is never rewritten")
        #expect(try store.temporaryFiles().isEmpty)
    }

    @Test func detectsAFlippedByte() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let info = try store.put(Data("hello\n".utf8))
        try flipFirstByte(of: store.path(of: info.id))
        guard case .corrupt(let actual) = try store.verify(info.id) else {
            Issue.record("a flipped byte was not detected")
            return
        }
        #expect(actual != info.id)
    }

    @Test func neverRewritesAStoredBlob() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let info = try store.put(Data("hello\n".utf8))
        let path = store.path(of: info.id).path
        let inode = try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int
        _ = try store.put(Data("hello\n".utf8))
        #expect(try FileManager.default.attributesOfItem(atPath: path)[.systemFileNumber] as? Int == inode)
    }

    @Test func leftoversOfACrashedWriterAreNotBlobs() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let old = try directory.write("blobs/tmp/put-1-old", Data("partial".utf8))
        try directory.write("blobs/tmp/put-2-new", Data("partial".utf8))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -7200)], ofItemAtPath: old.path)

        #expect(try store.list().isEmpty)
        #expect(try store.removeStaleTemporaryFiles(olderThan: 3600) == 1)
        #expect(try store.temporaryFiles().map(\.lastPathComponent) == ["put-2-new"])
    }

    @Test func aFileWhoseNameIsNotADigestIsAStray() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        try directory.write("blobs/sha256/ab/not-a-digest", Data("x".utf8))
        let files = try store.storedFiles()
        #expect(files.count == 1)
        #expect(files[0].id == nil)
        #expect(try store.list().isEmpty)
    }

    @Test func aMissingSourceFileIsNamedInTheError() throws {
        let directory = TemporaryDirectory()
        let store = try FileSystemBlobStore(root: directory.file("blobs"))
        let missing = directory.file("nope.jpg")
        #expect(throws: StoreError.io(path: missing.path, operation: "open", reason: "No such file or directory")) {
            try store.put(contentsOf: missing)
        }
    }
}

/// Inverts the first byte of a file in place, the way a failing disk would.
func flipFirstByte(of url: URL) throws {
    try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
    var bytes = try Data(contentsOf: url)
    bytes[0] ^= 0xff
    try bytes.write(to: url)
}
