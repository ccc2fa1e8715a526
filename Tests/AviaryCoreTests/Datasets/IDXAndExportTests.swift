import AviaryCore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

@Suite struct IDXAndExportTests {
    /// 24 distinct 6×5 gray images with labels 0…3, written as IDX files.
    func writeIDX(in fixture: DatasetFixture, classes: [String]? = nil) throws -> URL {
        let count = 24, rows = 5, columns = 6
        let pixels = (0..<(count * rows * columns)).map { UInt8(truncatingIfNeeded: $0 &* 7 &+ $0 / 30) }
        let images = try fixture.directory.write("idx/train-images-idx3-ubyte", Data(IDXFile(dimensions: [count, rows, columns], data: pixels).encoded()))
        try fixture.directory.write("idx/train-labels-idx1-ubyte", Data(IDXFile(dimensions: [count], data: (0..<count).map { UInt8($0 % 4) }).encoded()))
        if let classes { try fixture.directory.write("idx/classes.txt", Data(classes.joined(separator: "\n").utf8)) }
        return images
    }

    @Test func importsIDXWithItsLabelsFoundBesideTheImages() async throws {
        let fixture = try DatasetFixture()
        let images = try writeIDX(in: fixture, classes: ["T-shirt/top", "Trouser", "Pullover", "Dress"])
        #expect(try ImportSourceKind.detect(images) == .idx)
        let report = try await fixture.importer.run(try IDXSource(images: images).listing(), dataset: "tiny")
        #expect(report.imported == 24)
        #expect(report.version.classCounts == ["T-shirt/top": 6, "Trouser": 6, "Pullover": 6, "Dress": 6])
        let manifest = try fixture.catalog.manifest(of: report.version)
        #expect(manifest.items.allSatisfy { $0.width == 6 && $0.height == 5 })
    }

    @Test(arguments: DatasetExporter.Format.allCases)
    func exportThenImportGivesTheSameVersion(_ format: DatasetExporter.Format) async throws {
        let fixture = try DatasetFixture()
        let images = try writeIDX(in: fixture, classes: ["T-shirt/top", "Trouser", "Pullover", "Dress"])
        let original = try await fixture.importer.run(try IDXSource(images: images).listing(), dataset: "tiny").version
        let target = fixture.directory.file("export-\(format.rawValue)")
        try DatasetExporter(blobs: fixture.project.blobs).export(try fixture.catalog.manifest(of: original), version: original, as: format, to: target)
        let listing: ImportListing
        switch format {
        case .folder: listing = try ImageFolderSource(root: target).listing()
        case .manifest: listing = try GroundTruthManifestSource(file: target.appendingPathComponent("tiny.manifest")).listing()
        case .idx: listing = try IDXSource(images: target.appendingPathComponent("images-idx3-ubyte")).listing()
        }
        let again = try await fixture.importer.run(listing, dataset: "copy")
        if format == .manifest {
            // A manifest adds Ground Truth label attributes, which are content: the labels still match.
            #expect(again.version.classCounts == original.classCounts)
        } else {
            #expect(again.version.id == original.id)
        }
        if format == .folder {
            #expect(FileManager.default.fileExists(atPath: target.appendingPathComponent("T-shirt%2Ftop").path))
        }
    }

    @Test func fashionMNISTTestSplitSurvivesAnIDXRoundTrip() async throws {
        let fixture = try DatasetFixture()
        let images = URL(fileURLWithPath: "/usr/share/datasets/fashion-mnist/t10k-images-idx3-ubyte.gz")
        let names = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag", "Ankle boot"]
        let original = try await fixture.importer.run(try IDXSource(images: images, classNames: names).listing(), dataset: "fashion").version
        #expect(original.itemCount == 10_000)
        #expect(Set(original.classCounts.values) == [1_000])
        let target = fixture.directory.file("fashion-idx")
        try DatasetExporter(blobs: fixture.project.blobs).export(try fixture.catalog.manifest(of: original), version: original, as: .idx, to: target)
        let again = try await fixture.importer.run(try IDXSource(images: target.appendingPathComponent("images-idx3-ubyte")).listing(), dataset: "fashion")
        #expect(again.version.id == original.id)
    }

    @Test func exportRefusesAFolderThatIsNotEmpty() async throws {
        let fixture = try DatasetFixture()
        let original = try await fixture.importer.run(try IDXSource(images: try writeIDX(in: fixture)).listing(), dataset: "tiny").version
        let target = fixture.directory.file("busy")
        try fixture.directory.write("busy/keep.txt", Data())
        #expect(throws: DatasetError.exportTargetNotEmpty(path: target.path)) {
            try DatasetExporter(blobs: fixture.project.blobs).export(try fixture.catalog.manifest(of: original), version: original, as: .folder, to: target)
        }
    }
}
