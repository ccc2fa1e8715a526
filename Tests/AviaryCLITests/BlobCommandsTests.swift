import AviaryTestSupport
import Foundation
import Testing

/// `aviary blob …` and `aviary fsck`, through the real executable.
@Suite struct BlobCommandsTests {
    static let helloID = "sha256:5891b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03"

    @Test func putPrintsIDsAndGetWritesTheBytesBack() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let file = try directory.write("hello.txt", Data("hello\n".utf8))
        let put = try await AviaryProcess.run(["blob", "put", file.path], in: directory.url)
        #expect(put.standardOutput == Self.helloID + "\n")
        let get = try await AviaryProcess.run(["blob", "get", Self.helloID], in: directory.url)
        #expect(get.status == 0)
        #expect(get.standardOutput == "hello\n")
        let copy = directory.file("copy.txt")
        #expect(try await AviaryProcess.run(["blob", "get", Self.helloID, "-o", copy.path], in: directory.url).status == 0)
        #expect(try Data(contentsOf: copy) == Data("hello\n".utf8))
    }

    @Test func putReadsStandardInputAndListShowsSizes() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let put = try await AviaryProcess.run(["blob", "put", "-", "--json"], in: directory.url, standardInput: Data("hello\n".utf8))
        let stored = try #require(try JSONSerialization.jsonObject(with: Data(put.standardOutput.utf8)) as? [[String: Any]])
        #expect(stored.first?["id"] as? String == Self.helloID)
        #expect(stored.first?["path"] as? String == "-")
        #expect(try await AviaryProcess.run(["blob", "ls"], in: directory.url).standardOutput == "\(Self.helloID)  6\n")
    }

    @Test func badIDsAndMissingBlobsAndFilesAreClearErrors() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let badID = try await AviaryProcess.run(["blob", "get", "../../etc/passwd"], in: directory.url)
        #expect(badID.status == 65)
        #expect(badID.standardError.hasPrefix("error: '../../etc/passwd' is not a blob id"))
        let missing = try await AviaryProcess.run(["blob", "get", Self.helloID], in: directory.url)
        #expect(missing.status == 66)
        #expect(missing.standardError == "error: blob \(Self.helloID) is not in this project's blob store; `aviary blob ls` lists the stored blobs\n")
        let noFile = try await AviaryProcess.run(["blob", "put", "nope.jpg"], in: directory.url)
        #expect(noFile.status == 74)
        #expect(noFile.standardError == "error: open failed for \(directory.file("nope.jpg").path): No such file or directory\n")
    }

    @Test func fsckNamesABlobWithAFlippedByteAndExitsOne() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let file = try directory.write("hello.txt", Data("hello\n".utf8))
        #expect(try await AviaryProcess.run(["blob", "put", file.path], in: directory.url).status == 0)
        #expect(try await AviaryProcess.run(["fsck"], in: directory.url).status == 0)

        let stored = directory.file(".aviary/blobs/sha256/58/91b5b522d5df086d0ff0b110fbd9d21bb4fc7163af34d08286a2e846f6be03")
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: stored.path)
        var bytes = try Data(contentsOf: stored)
        bytes[2] ^= 0x01
        try bytes.write(to: stored)

        let fsck = try await AviaryProcess.run(["fsck"], in: directory.url)
        #expect(fsck.status == 1)
        #expect(fsck.standardOutput.hasPrefix("corrupt blob \(Self.helloID): content hashes to sha256:"))
        #expect(fsck.standardOutput.hasSuffix("checked 1 blobs and 0 references: 1 corrupt, 0 missing, 0 stray\n"))
        let json = try await AviaryProcess.run(["fsck", "--json"], in: directory.url)
        let report = try #require(try JSONSerialization.jsonObject(with: Data(json.standardOutput.utf8)) as? [String: Any])
        #expect((report["corrupt"] as? [[String: String]])?.first?["id"] == Self.helloID)
    }
}
