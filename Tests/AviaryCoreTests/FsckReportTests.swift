import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct FsckReportTests {
    func makeProject() throws -> Project {
        let directory = TemporaryDirectory()
        try Project.initialize(at: directory.url)
        return try Project.open(ProjectLayout(root: directory.url), environment: [:])
    }

    @Test func aSoundProjectIsHealthy() async throws {
        let project = try makeProject()
        let blob = try project.blobs.put(Data("image".utf8))
        try await project.metadata.put(Record(kind: "image", id: "1", body: Data("{}".utf8), blobs: [blob.id]))
        let report = try await FsckReport.check(project)
        #expect(report.isHealthy)
        #expect(report.checkedBlobs == 1)
        #expect(report.checkedReferences == 1)
        #expect(report.text == "checked 1 blobs and 1 references: ok")
    }

    @Test func namesACorruptBlob() async throws {
        let project = try makeProject()
        let blob = try project.blobs.put(Data("hello\n".utf8))
        let path = project.blobs.path(of: blob.id)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: path.path)
        try Data("jello\n".utf8).write(to: path)
        let report = try await FsckReport.check(project)
        #expect(!report.isHealthy)
        #expect(report.corrupt.map(\.id) == [blob.id])
        #expect(report.text.hasPrefix("corrupt blob \(blob.id): content hashes to sha256:"))
    }

    @Test func namesAMissingBlobAndWhoNeedsIt() async throws {
        let project = try makeProject()
        let ghost = try BlobID(parsing: "sha256:" + String(repeating: "c", count: 64))
        try await project.metadata.put(Record(kind: "dataset.version", id: "v1", body: Data("{}".utf8), blobs: [ghost]))
        try await project.metadata.put(Record(kind: "model.version", id: "m1", body: Data("{}".utf8), blobs: [ghost]))
        let report = try await FsckReport.check(project)
        #expect(report.missing == [FsckReport.Missing(id: ghost, referencedBy: ["dataset.version/v1", "model.version/m1"])])
        #expect(report.text.split(separator: "\n").first == "missing blob \(ghost), referenced by dataset.version/v1, model.version/m1")
    }

    @Test func pruneRemovesOnlyStaleTemporaryFiles() async throws {
        let project = try makeProject()
        let stale = project.layout.blobs.appendingPathComponent("tmp/put-1-a")
        try Data("partial".utf8).write(to: stale)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -25 * 3600)], ofItemAtPath: stale.path)
        try Data("partial".utf8).write(to: project.layout.blobs.appendingPathComponent("tmp/put-2-b"))
        let report = try await FsckReport.check(project, prune: true)
        #expect(report.isHealthy)
        #expect(report.prunedTemporaryFiles == 1)
        #expect(report.temporaryFiles.map { URL(fileURLWithPath: $0).lastPathComponent } == ["put-2-b"])
    }
}
