import AviaryCore
import AviarySpawn
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary data …` through the real executable, on real Fashion-MNIST files.
@Suite struct DataCommandsTests {
    static let fashionTest = "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz"

    func importJSON(_ arguments: [String], in directory: TemporaryDirectory) async throws -> [String: Any] {
        let result = try await AviaryProcess.run(["data", "import"] + arguments + ["--json"], in: directory.url)
        #expect(result.status == 0, "\(result.standardError)")
        return try #require(try JSONSerialization.jsonObject(with: Data(result.standardOutput.utf8)) as? [String: Any])
    }

    @Test(.ownThread) func anImportKilledMidwayResumesAndEndsWithTheSameVersion() async throws {
        let reference = try await AviaryProcess.initializedProject()
        let expected = try await importJSON([Self.fashionTest, "--dataset", "fashion"], in: reference)
        let expectedID = try #require((expected["version"] as? [String: Any])?["manifest"] as? String)

        let directory = try await AviaryProcess.initializedProject()
        let writer = try AviaryProcess.start(["data", "import", Self.fashionTest, "--dataset", "fashion"], in: directory.url)
        // Kill it as soon as its first batch is journaled: the import is then certainly half done.
        let store = try SQLiteMetadataStore(path: directory.file(".aviary/aviary.sqlite").path)
        var journaled = 0
        for _ in 0..<600 where journaled == 0 && writer.isRunning {
            journaled = try await store.recordCounts()["dataset.import.journal"] ?? 0
            try await Task.sleep(for: .milliseconds(20))
        }
        writer.signal(SIGKILL)
        #expect(try await writer.waitForTermination() == .uncaughtSignal(SIGKILL))
        #expect(journaled > 0)
        #expect(try await store.recordCounts()[DatasetVersion.recordKind] == nil)

        let resumed = try await importJSON([Self.fashionTest, "--dataset", "fashion"], in: directory)
        #expect((resumed["resumed"] as? Int ?? 0) >= 512)
        #expect((resumed["version"] as? [String: Any])?["manifest"] as? String == expectedID)
        #expect(try await AviaryProcess.run(["fsck"], in: directory.url).status == 0)
    }

    @Test func lsShowSplitDiffAndExportWorkTogether() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let imported = try await AviaryProcess.run(["data", "import", Self.fashionTest, "--dataset", "fashion",
                                              "--class-names", "T-shirt/top,Trouser,Pullover,Dress,Coat,Sandal,Shirt,Sneaker,Bag,Ankle boot"], in: directory.url)
        #expect(imported.standardOutput.hasPrefix("Imported 10000 images into fashion@"))
        #expect(imported.standardOutput.hasSuffix(" (10 classes, 0 problems)\n"))
        #expect(imported.standardError.contains("import: 10000/10000 images (100%)"))

        let split = try await AviaryProcess.run(["data", "split", "fashion", "--seed", "1"], in: directory.url)
        #expect(split.status == 0)
        #expect(split.standardOutput.split(separator: "\n").last?.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
            == ["total", "8000", "1000", "1000"])

        let listed = try await AviaryProcess.run(["data", "ls", "--json"], in: directory.url)
        let versions = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: Any]])
        #expect(versions.map { $0["dataset"] as? String } == ["fashion", "fashion.train", "fashion.validation", "fashion.test"])

        let sheet = directory.file("sheet.png")
        let shown = try await AviaryProcess.run(["data", "show", "fashion.test", "--contact-sheet", sheet.path], in: directory.url)
        #expect(shown.standardOutput.contains("Images    1000 (0 unlabeled)\n"))
        #expect(shown.standardOutput.contains("  T-shirt/top  100"))
        #expect(try Data(contentsOf: sheet).prefix(4) == Data([0x89, 0x50, 0x4E, 0x47]))

        let diff = try await AviaryProcess.run(["data", "diff", "fashion", "fashion.test"], in: directory.url)
        #expect(diff.standardOutput.hasPrefix("0 added, 9000 removed, 0 relabelled\n"))

        let exported = try await AviaryProcess.run(["data", "export", "fashion.validation", "--format", "folder", "--to", directory.file("out").path], in: directory.url)
        #expect(exported.status == 0)
        let reimported = try await importJSON([directory.file("out").path, "--dataset", "fashion.validation"], in: directory)
        #expect(reimported["created"] as? Bool == false)

        let missing = try await AviaryProcess.run(["data", "show", "nothing"], in: directory.url)
        #expect(missing.status == 66)
        #expect(missing.standardError == "error: no dataset version matches 'nothing'; `aviary data ls` lists datasets and versions\n")
    }
}
