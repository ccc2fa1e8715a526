import AviaryStore
import AviaryTestSupport
import Crypto
import Foundation
import Testing

/// What every blob backend must do. Each test runs once per backend.
@Suite struct BlobStoreContractTests {
    static let helloID = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"
    static let emptyID = "sha256:e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"

    @Test(arguments: BlobBackend.allCases)
    func storesAndReadsBackExactBytes(_ backend: BlobBackend) throws {
        let directory = TemporaryDirectory()
        let store = try backend.makeStore(in: directory)
        let info = try store.put(Data("hello\n".utf8))
        #expect(info == BlobInfo(id: try BlobID(parsing: Self.helloID), size: 6))
        #expect(try store.data(info.id) == Data("hello\n".utf8))
        #expect(try store.info(info.id) == info)
        #expect(try store.verify(info.id) == .intact)
    }

    @Test(arguments: BlobBackend.allCases)
    func storesTheEmptyBlob(_ backend: BlobBackend) throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let info = try store.put(Data())
        #expect(info.id.description == Self.emptyID)
        #expect(try store.data(info.id).isEmpty)
    }

    @Test(arguments: BlobBackend.allCases)
    func puttingTheSameContentTwiceStoresItOnce(_ backend: BlobBackend) throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let first = try store.put(Data("same".utf8))
        let second = try store.put(Data("same".utf8))
        #expect(first == second)
        #expect(try store.list() == [first])
    }

    @Test(arguments: BlobBackend.allCases)
    func streamsALargeFileInChunks(_ backend: BlobBackend) throws {
        let directory = TemporaryDirectory()
        let store = try backend.makeStore(in: directory)
        var generator = SystemRandomNumberGenerator()
        let size = 5 * FileBlobSource.chunkSize + 12_345
        let bytes = Data((0..<size).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let file = try directory.write("large.bin", bytes)

        let info = try store.put(contentsOf: file)
        #expect(info.size == Int64(size))
        #expect(info.id.hex == SHA256.hash(data: bytes).map { String(format: "%02x", $0) }.joined())

        var chunks = 0
        var hasher = SHA256()
        try store.read(info.id) { chunk in
            #expect(chunk.count <= FileBlobSource.chunkSize)
            hasher.update(bufferPointer: chunk)
            chunks += 1
        }
        #expect(chunks == 6)
        #expect(BlobInfo(id: try BlobID(digest: hasher.finalize()), size: info.size) == info)
    }

    @Test(arguments: BlobBackend.allCases)
    func listsBlobsInIDOrder(_ backend: BlobBackend) throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let infos = try (0..<20).map { try store.put(Data("blob \($0)".utf8)) }
        #expect(try store.list() == infos.sorted { $0.id < $1.id })
    }

    @Test(arguments: BlobBackend.allCases)
    func aMissingBlobIsReportedByID(_ backend: BlobBackend) throws {
        let store = try backend.makeStore(in: TemporaryDirectory())
        let absent = try BlobID(parsing: Self.helloID)
        #expect(try store.info(absent) == nil)
        #expect(try store.verify(absent) == .missing)
        #expect(throws: StoreError.blobNotFound(absent)) { try store.data(absent) }
    }
}

extension BlobID {
    init(digest: SHA256.Digest) throws {
        try self.init(hex: digest.map { String(format: "%02x", $0) }.joined())
    }
}
