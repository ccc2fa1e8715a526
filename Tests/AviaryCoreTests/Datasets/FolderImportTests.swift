import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct FolderImportTests {
    @Test func importsClassFoldersAndReportsEachBadItemWhileTheRestImports() async throws {
        let fixture = try DatasetFixture()
        let root = try fixture.folder("birds", ["robin/1.png": 1, "robin/2.png": 2, "wren/3.png": 3, "wren/again.png": 1, "unsorted.png": 4,
                                                "robin/copy.png": 2])
        try fixture.directory.write("birds/wren/cut.jpg", SampleImages.fixture("broken-truncated.jpg"))
        try fixture.directory.write("birds/wren/notes.jpg", Data("not an image".utf8))
        try fixture.directory.write("birds/robin/anim.png", SampleImages.fixture("actually-gif.png"))
        try fixture.directory.write("birds/.DS_Store", Data("hidden".utf8))

        let report = try await fixture.importer.run(try ImageFolderSource(root: root).listing(), dataset: "birds")
        #expect(report.created)
        #expect(report.imported == 4)
        #expect(report.version.classCounts == ["robin": 2, "wren": 1])
        #expect(report.version.unlabeledCount == 1)
        let problems = Dictionary(uniqueKeysWithValues: report.problems.map { ($0.origin, $0.kind) })
        #expect(problems == ["wren/cut.jpg": .corrupt, "wren/notes.jpg": .unsupported, "robin/anim.png": .unsupported,
                             "robin/copy.png": .duplicate, "wren/again.png": .conflict])
        let conflict = try #require(report.problems.first { $0.kind == .conflict })
        #expect(conflict.reason == "same image as robin/1.png but labeled [\"wren\"] instead of [\"robin\"]; kept the first")
        #expect(report.problems.first { $0.origin == "wren/cut.jpg" }?.reason.hasPrefix("truncated image") == true)
    }

    @Test func importingTheSameContentAgainGivesTheSameVersion() async throws {
        let fixture = try DatasetFixture()
        let first = try await fixture.importer.run(try ImageFolderSource(root: try fixture.folder("a", ["cat/x.png": 1, "dog/y.png": 2])).listing(), dataset: "pets")
        // Other file and folder paths, same images and labels: the version is named by content alone.
        let second = try await fixture.importer.run(try ImageFolderSource(root: try fixture.folder("b", ["cat/renamed.png": 1, "dog/z.png": 2])).listing(), dataset: "pets")
        #expect(!second.created)
        #expect(second.version.id == first.version.id)
        #expect(try await fixture.catalog.versions(of: "pets").count == 1)
        let relabelled = try await fixture.importer.run(try ImageFolderSource(root: try fixture.folder("c", ["dog/x.png": 1, "dog/y.png": 2])).listing(), dataset: "pets")
        #expect(relabelled.version.id != first.version.id)
    }

    @Test func theVersionReferencesItsManifestAndImagesSoFsckFollowsThem() async throws {
        let fixture = try DatasetFixture()
        let report = try await fixture.importer.run(try ImageFolderSource(root: try fixture.folder("a", ["cat/x.png": 1, "dog/y.png": 2])).listing(), dataset: "pets")
        let references = try await fixture.project.metadata.blobReferences().filter { $0.kind == DatasetVersion.recordKind }
        #expect(Set(references.map(\.blob)) == Set([report.version.manifest] + (try fixture.catalog.manifest(of: report.version)).items.map(\.image)))
        #expect(try await FsckReport.check(fixture.project).isHealthy)
        #expect(try await fixture.project.metadata.recordCounts()["dataset.import.journal"] == nil)
    }

    @Test func anImportWithNothingUsableIsAnError() async throws {
        let fixture = try DatasetFixture()
        try fixture.directory.write("bad/cat/a.jpg", Data("text".utf8))
        await #expect(throws: DatasetError.nothingImported(source: fixture.directory.file("bad").standardizedFileURL.path, problems: 1)) {
            try await fixture.importer.run(try ImageFolderSource(root: fixture.directory.file("bad")).listing(), dataset: "x")
        }
    }

    @Test(arguments: ["", "-lead", "a/b", "../x", "has space"])
    func datasetNamesAreChecked(_ name: String) async throws {
        let fixture = try DatasetFixture()
        let root = try fixture.folder("a", ["cat/x.png": 1])
        await #expect(throws: DatasetError.invalidDatasetName(name)) {
            try await fixture.importer.run(try ImageFolderSource(root: root).listing(), dataset: name)
        }
    }
}
