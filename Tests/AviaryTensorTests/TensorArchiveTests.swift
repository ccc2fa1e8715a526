import AviaryTensor
import Foundation
import Testing

@Suite struct TensorArchiveTests {
    @Test func roundTripsThroughAnAtomicWrite() throws {
        let archive = TensorArchive(entries: [("a.weight", try Tensor(shape: [2, 2], scalars: [1, -2, 3.5, 0])), ("scalar", Tensor(scalar: 7))])
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("archive-\(UUID().uuidString).avta")
        defer { try? FileManager.default.removeItem(at: url) }
        try archive.write(to: url)
        #expect(try TensorArchive(contentsOf: url) == archive)
        let leftovers = try FileManager.default.contentsOfDirectory(atPath: url.deletingLastPathComponent().path).filter { $0.contains(url.lastPathComponent) && $0.hasSuffix(".tmp") }
        #expect(leftovers.isEmpty)
    }

    @Test func wrongMagicVersionAndTruncationAreExplained() throws {
        let good = TensorArchive(entries: [("x", Tensor(zeros: [3]))]).encoded()
        #expect(throws: TensorArchiveError.badMagic(source: "t", found: Array("ONNX".utf8))) {
            try TensorArchive(decoding: Data("ONNX".utf8) + good.dropFirst(4), source: "t")
        }
        var newer = good
        newer[4] = 9
        #expect(throws: TensorArchiveError.unsupportedVersion(source: "t", found: 9, supported: 1)) { try TensorArchive(decoding: newer, source: "t") }
        do {
            _ = try TensorArchive(decoding: good.dropLast(2), source: "t")
            Issue.record("truncated file accepted")
        } catch let error as TensorArchiveError {
            #expect(error.description.contains("x scalars"))
        }
    }
}
