import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct GroundTruthManifestTests {
    /// Lines as SageMaker Ground Truth writes them: single-label, multi-label, unlabeled, an S3 reference
    /// mapped to a local folder, a missing file, and a line that is not JSON.
    func writeManifest(in fixture: DatasetFixture) throws -> URL {
        for seed in 1...4 { try fixture.directory.write("s3mirror/birds/\(seed).png", SampleImages.png(seed: seed)) }
        let lines = [
            #"{"source-ref":"s3://bucket/birds/1.png","species":0,"species-metadata":{"class-name":"robin","confidence":0.93,"type":"groundtruth/image-classification","job-name":"labeling-job/species","human-annotated":"yes","creation-date":"2024-05-01T10:00:00.123456"}}"#,
            #"{"source-ref":"s3://bucket/birds/2.png","species":[0,2],"species-metadata":{"class-map":{"0":"robin","2":"wren"},"confidence-map":{"0":0.8,"2":0.7},"type":"groundtruth/image-classification-multilabel","job-name":"labeling-job/species","human-annotated":"no","creation-date":"2024-05-01T10:00:01"}}"#,
            #"{"source-ref":"s3mirror/birds/3.png","camera":"cam-7"}"#,
            #"{"source-ref":"s3://bucket/birds/404.png","species":1,"species-metadata":{"class-name":"jay"}}"#,
            #"{"source-ref": broken"#,
            "",
            #"{"source-ref":"s3://other/4.png"}"#,
        ]
        return try fixture.directory.write("birds.manifest", Data(lines.joined(separator: "\n").utf8))
    }

    @Test func readsSingleAndMultiLabelLinesAndReportsBadOnesByLine() async throws {
        let fixture = try DatasetFixture()
        let file = try writeManifest(in: fixture)
        let source = GroundTruthManifestSource(file: file, prefixMap: try PrefixMap(parsing: ["s3://bucket=\(fixture.directory.file("s3mirror").path)"]))
        let report = try await fixture.importer.run(try source.listing(), dataset: "birds")
        #expect(report.imported == 3)
        #expect(report.version.classCounts == ["robin": 2, "wren": 1])
        #expect(report.version.lineage.parameters["label-attribute"] == "species")
        #expect(report.problems.map(\.description) == [
            "birds.manifest:5: invalid: not a JSON object; each line of a manifest must be one",
            "birds.manifest:7: missing: s3://other/4.png is in S3 and no --prefix-map maps it to a local folder",
            "birds.manifest:4: missing: \(fixture.directory.file("s3mirror/birds/404.png").path) does not exist",
        ])
    }

    @Test func exportingAndReimportingKeepsEveryAttributeAndTheVersion() async throws {
        let fixture = try DatasetFixture()
        let file = try writeManifest(in: fixture)
        let source = GroundTruthManifestSource(file: file, prefixMap: try PrefixMap(parsing: ["s3://bucket/=\(fixture.directory.file("s3mirror").path)"]))
        let original = try await fixture.importer.run(try source.listing(), dataset: "birds").version
        let exported = fixture.directory.file("export")
        try DatasetExporter(blobs: fixture.project.blobs).export(try fixture.catalog.manifest(of: original), version: original,
                                                                  as: .manifest, to: exported)
        let again = try await fixture.importer.run(try GroundTruthManifestSource(file: exported.appendingPathComponent("birds.manifest")).listing(),
                                                   dataset: "birds")
        #expect(again.version.id == original.id)
        #expect(!again.created)

        // Every original attribute comes back, number for number; only source-ref points at the export.
        let originalLines = try String(contentsOf: file, encoding: .utf8).split(separator: "\n").prefix(3)
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! NSDictionary }
        let exportedLines = try String(contentsOf: exported.appendingPathComponent("birds.manifest"), encoding: .utf8).split(separator: "\n")
            .map { try JSONSerialization.jsonObject(with: Data($0.utf8)) as! NSDictionary }
        func withoutSource(_ line: NSDictionary) -> NSDictionary {
            let copy = line.mutableCopy() as! NSMutableDictionary
            copy.removeObject(forKey: "source-ref")
            return copy
        }
        #expect(Set(originalLines.map(withoutSource)) == Set(exportedLines.map(withoutSource)))
        #expect(exportedLines.allSatisfy { ($0["source-ref"] as? String)?.hasPrefix("images/") == true })
    }

    @Test func severalLabelAttributesNeedAChoice() throws {
        let fixture = try DatasetFixture()
        let file = try fixture.directory.write("m.jsonl", Data(#"{"source-ref":"a.png","a":0,"a-metadata":{},"b":1,"b-metadata":{}}"#.utf8))
        #expect(throws: DatasetError.invalidSourceLine(path: file.path, line: 1, reason: "several label attributes (a, b); choose one with --label-attribute")) {
            try GroundTruthManifestSource(file: file).listing()
        }
        #expect(try GroundTruthManifestSource(file: file, labelAttribute: "b").listing().candidates.map(\.labels) == [["1"]])
    }

    @Test func prefixMapsAreCheckedAndTheLongestPrefixWins() throws {
        #expect(throws: DatasetError.invalidPrefixMap("/local/only")) { try PrefixMap(parsing: ["/local/only"]) }
        let map = try PrefixMap(parsing: ["s3://b=/a", "s3://b/deep=/z"])
        #expect(map.localURL(for: "s3://b/deep/x.jpg")?.path == "/z/x.jpg")
        #expect(map.localURL(for: "s3://b/other/x.jpg")?.path == "/a/other/x.jpg")
        #expect(map.localURL(for: "s3://c/x.jpg") == nil)
    }
}
