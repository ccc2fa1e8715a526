import AviaryCore
import AviarySpawn
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// A writer killed with SIGKILL at any moment loses nothing it acknowledged and leaves no partial blob;
/// two writers in one project at once both land every write.
@Suite(.serialized) struct CrashSafetyTests {
    /// `aviary debug write-load` prints `ack <record id> <blob id>` after each write has committed.
    struct Acknowledgement: Hashable {
        var record: String
        var blob: BlobID
    }

    @Test(.ownThread) func aWriterKilledMidWriteLosesNothingItAcknowledged() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init"], in: directory.url).status == 0)
        var acknowledged: [Acknowledgement] = []
        // Small blobs make the kill land between rows; large ones make it land inside a blob write.
        for (round, (size, acks)) in [(64 * 1024, 25), (4 * 1024 * 1024, 3), (1024 * 1024, 8)].enumerated() {
            acknowledged += try await Self.killWriter(in: directory, writer: "r\(round)", size: size, afterAcknowledgements: acks)
        }

        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let stored = Set(try await project.metadata.records(kind: "debug.write").map(\.id))
        for ack in acknowledged {
            #expect(stored.contains(ack.record), "acknowledged record \(ack.record) was lost")
            #expect(try project.blobs.verify(ack.blob) == .intact, "acknowledged blob \(ack.blob) is damaged")
        }
        let report = try await FsckReport.check(project)
        #expect(report.isHealthy, "\(report.text)")
        for blob in try project.blobs.list() { #expect(try project.blobs.verify(blob.id) == .intact) }
        #expect(try await project.metadata.latestEventSequence() >= Int64(acknowledged.count))
    }

    @Test func twoProcessesWriteToOneProjectAtOnce() async throws {
        let directory = TemporaryDirectory()
        #expect(try await AviaryProcess.run(["init"], in: directory.url).status == 0)
        let writers = try ["a", "b"].map { name in
            try AviaryProcess.start(["debug", "write-load", "--count", "40", "--size", "4096", "--writer", name], in: directory.url, standardOutput: .pipe)
        }
        var outputs: [ChildOutput] = []
        for writer in writers { outputs.append(try await writer.communicate()) }
        let lines = outputs.map { String(decoding: $0.standardOutput, as: UTF8.self) }
        for output in outputs { #expect(output.status == 0) }
        #expect(lines.map { $0.split(separator: "\n").count } == [40, 40])

        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        #expect(try await project.metadata.recordCounts() == ["debug.write": 80])
        let events = try await project.metadata.events(after: 0, limit: 1_000)
        #expect(events.map(\.sequence) == Array(1...80))
        #expect(Set(events.map(\.subject)).count == 80)
        #expect(try await FsckReport.check(project).isHealthy)
    }

    /// Starts a writer, waits for `count` acknowledgements, kills it with SIGKILL and returns what it acknowledged.
    static func killWriter(in directory: TemporaryDirectory, writer: String, size: Int, afterAcknowledgements count: Int) async throws -> [Acknowledgement] {
        let process = try AviaryProcess.start(["debug", "write-load", "--size", "\(size)", "--writer", writer], in: directory.url, standardOutput: .pipe)
        let output = try #require(process.standardOutput)
        let acknowledged = try await AviaryProcess.offThePool { try Self.readAcknowledgements(from: output, count: count) }
        process.signal(SIGKILL)
        #expect(try await process.waitForTermination() == .uncaughtSignal(SIGKILL), "the writer ended before it was killed")
        // One read can hold several lines, so a busy machine may deliver more acknowledgements than
        // asked for before the kill: every one of them must survive all the same.
        #expect(acknowledged.count >= count)
        return acknowledged
    }

    /// Reads `ack` lines until `count` have come (or the output ends); blocks, so it runs off the pool.
    static func readAcknowledgements(from output: PipeEnd, count: Int) throws -> [Acknowledgement] {
        var buffer = Data()
        var acknowledged: [Acknowledgement] = []
        while acknowledged.count < count {
            let chunk = output.read()
            if chunk.isEmpty { break }
            buffer.append(chunk)
            while let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let fields = String(decoding: buffer[..<newline], as: UTF8.self).split(separator: " ")
                buffer.removeSubrange(...newline)
                if fields.count == 3, fields[0] == "ack" {
                    acknowledged.append(Acknowledgement(record: String(fields[1]), blob: try BlobID(parsing: String(fields[2]))))
                }
            }
        }
        return acknowledged
    }
}
