import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

@Suite struct ProjectStatusTests {
    @Test func countsBlobsRecordsAndEvents() async throws {
        let directory = TemporaryDirectory()
        try Project.initialize(at: directory.url)
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        _ = try project.blobs.put(Data(repeating: 1, count: 1536))
        _ = try project.blobs.put(Data(repeating: 2, count: 512))
        try await project.metadata.write(WriteBatch(records: [Record(kind: "image", id: "a", body: Data("{}".utf8))],
                                                    events: [NewEvent(type: "image.added", subject: "image/a")]))
        let status = try await ProjectStatus.of(project)
        #expect(status.blobs.count == 2)
        #expect(status.blobs.bytes == 2048)
        #expect(status.metadata.records == ["image": 1])
        #expect(status.metadata.lastEventSequence == 1)
        #expect(status.text.contains("Blobs     2 (2.0 KiB) in file://"))
        #expect(status.text.contains("Records   1 image"))
    }

    @Test(arguments: [(0, "0 B"), (1023, "1023 B"), (1536, "1.5 KiB"), (5 * 1024 * 1024, "5.0 MiB")] as [(Int64, String)])
    func printsByteCountsForPeople(_ bytes: Int64, _ text: String) {
        #expect(ByteCount(bytes).description == text)
    }
}
