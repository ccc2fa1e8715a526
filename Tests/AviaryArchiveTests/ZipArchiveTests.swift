import AviaryArchive
import AviaryTestSupport
import Foundation
import Testing

@Suite struct ZipArchiveTests {
    static let text = Data("hello wheel, hello wheel, hello wheel\n".utf8)

    @Test func readsAStoredMember() throws {
        let zip = StoredZip.make([("a/README", Data("x".utf8)), ("pkg/models/w.pth", Self.text)])
        let archive = try ZipArchive([UInt8](zip))
        #expect(ZipArchive.isZip([UInt8](zip)))
        #expect(archive.names == ["a/README", "pkg/models/w.pth"])
        #expect(try archive.contents(of: "pkg/models/w.pth") == [UInt8](Self.text))
        let entry = try #require(archive.entries["pkg/models/w.pth"])
        #expect(Array(archive.bytes[entry.dataRange]) == [UInt8](Self.text))
        #expect(entry.crc32 == StoredZip.crc32(Self.text))
    }

    /// A deflated member, as pip-built wheels hold them. The bytes are Python's
    /// `zlib.compressobj(9, zlib.DEFLATED, -15)` of `text`; its CRC-32 is zlib.crc32(text).
    @Test func inflatesADeflatedMemberAndChecksItsCRC() throws {
        let deflated: [UInt8] = [203, 72, 205, 201, 201, 87, 40, 207, 72, 77, 205, 209, 81, 200, 192, 193, 225, 2, 0]
        #expect(StoredZip.crc32(Self.text) == 4_251_725_223)
        var zip = [UInt8](StoredZip.make([("w.pth", Data(deflated))]))
        // Turn the stored entry into a deflated one: method 8 and the uncompressed size and CRC in both headers.
        func put16(_ at: Int, _ value: Int) { zip[at] = UInt8(value & 0xFF); zip[at + 1] = UInt8(value >> 8) }
        func put32(_ at: Int, _ value: UInt32) { for i in 0..<4 { zip[at + i] = UInt8(truncatingIfNeeded: value >> (8 * i)) } }
        let central = zip.count - 22 - (46 + 5)
        for (header, fields) in [(0, 8), (central, 10)] {
            put16(header + fields, 8)
            put32(header + fields + 6, 4_251_725_223)
            put32(header + fields + 14, UInt32(Self.text.count))
        }
        #expect(try ZipArchive(zip).contents(of: "w.pth") == [UInt8](Self.text))
        put32(central + 16, 1234)
        #expect(throws: ZipArchiveError.self) { try ZipArchive(zip).contents(of: "w.pth") }
        put16(central + 10, 12)
        #expect(throws: ZipArchiveError.unsupportedMethod("w.pth", method: 12)) { try ZipArchive(zip).contents(of: "w.pth") }
    }

    @Test func namesTheProblem() throws {
        #expect(throws: ZipArchiveError.malformed("no zip end-of-central-directory record (not a zip file, or cut off)")) {
            try ZipArchive([UInt8](repeating: 7, count: 100))
        }
        let archive = try ZipArchive([UInt8](StoredZip.make([("a", Data())])))
        #expect(throws: ZipArchiveError.noEntry("b", entryCount: 1)) { try archive.contents(of: "b") }
        #expect("\(ZipArchiveError.noEntry("b", entryCount: 1))" == "it has no 'b' (it holds 1 files)")
    }

    /// Cutting an archive anywhere gives an error, never a crash.
    @Test func truncatedArchivesFailCleanly() throws {
        let zip = [UInt8](StoredZip.make([("a/README", Data("x".utf8)), ("pkg/models/w.pth", Self.text)]))
        for length in 0..<zip.count {
            #expect(throws: ZipArchiveError.self) { try ZipArchive(Array(zip[0..<length])).contents(of: "pkg/models/w.pth") }
        }
    }
}
