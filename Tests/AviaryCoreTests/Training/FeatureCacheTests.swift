import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

@testable import AviaryCore

@Suite struct FeatureCacheTests {
    private struct Fixture {
        let directory = TemporaryDirectory("features")
        let project: Project
        var cache: FeatureCache { FeatureCache(metadata: project.metadata, blobs: project.blobs) }

        init() throws {
            try Project.initialize(at: directory.url)
            project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        }

        func images(_ count: Int, salt: String = "") throws -> [BlobID] {
            try (0..<count).map { try project.blobs.put(Data("image \($0)\(salt)".utf8)).id }
        }
    }

    private let key = FeatureCacheKey(backbone: "efficientnet-lite0@sha256:abc", preprocessing: .imageNet(inputSize: 112))

    @Test func rowsComeBackExactlyAndOnlyForTheirKey() async throws {
        let fixture = try Fixture()
        let images = try fixture.images(3)
        try await fixture.cache.store(key, images: Array(images[0..<2]), dimension: 3, values: [1, 2, 3, -4.5, .pi, 1e-30])
        let lookup = try await fixture.cache.lookup(key, images: images)
        #expect(lookup.dimension == 3)
        #expect(lookup.found == [images[0]: [1, 2, 3], images[1]: [-4.5, .pi, 1e-30]])
        #expect(lookup.missing == [images[2]])
        var other = key
        other.preprocessing.filter = .bilinear
        #expect(other.digest != key.digest)
        #expect(try await fixture.cache.lookup(other, images: images).missing == images)
        #expect(try await fixture.project.metadata.blobReferences().count == 1, "the index references its chunk, so fsck checks it")
    }

    @Test func concurrentWritersOfOneKeyAllLand() async throws {
        let fixture = try Fixture()
        let images = try fixture.images(8)
        let cache = fixture.cache
        let key = self.key
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<4 {
                let mine = Array(images[(writer * 2)..<(writer * 2 + 2)])
                group.addTask { try await cache.store(key, images: mine, dimension: 2, values: [Float(writer), 0, Float(writer), 1]) }
            }
            try await group.waitForAll()
        }
        let lookup = try await cache.lookup(key, images: images)
        #expect(lookup.missing.isEmpty)
        #expect(lookup.found[images[7]] == [3, 1])
        #expect(try await fixture.project.metadata.blobReferences().count == 4)
    }

    @Test func aDamagedChunkIsRefusedWithItsId() async throws {
        let fixture = try Fixture()
        let images = try fixture.images(1)
        let garbage = try fixture.project.blobs.put(Data("AVYFEAT1 but then nothing".utf8)).id
        let index = FeatureCache.Index(key: key, dimension: 4, chunks: [garbage])
        try await fixture.project.metadata.write(WriteBatch(records: [try Record(kind: FeatureCache.recordKind, id: key.digest, value: index, blobs: [garbage])]))
        // " but" and " the" read as the header's row count and dimension.
        await #expect(throws: TrainingError.corruptFeatureCache(chunk: garbage, detail: "25 bytes do not hold exactly 1953849888 rows of 1701344288 values")) {
            _ = try await fixture.cache.lookup(key, images: images)
        }
        await #expect(throws: TrainingError.featureDimensionMismatch(expected: 4, got: 2)) {
            try await fixture.cache.store(key, images: images, dimension: 2, values: [1, 2])
        }
    }

    @Test func aChunkRoundTripsBitForBit() throws {
        let images = (0..<3).map { BlobID.digest(of: Data([UInt8($0)])) }
        let chunk = FeatureChunk(images: images, dimension: 2, values: [0, -0.0, .infinity, .leastNonzeroMagnitude, 7, -1])
        let decoded = try FeatureChunk(decoding: chunk.encoded(), id: BlobID.digest(of: chunk.encoded()))
        #expect(decoded.images == images)
        #expect(decoded.values.map(\.bitPattern) == chunk.values.map(\.bitPattern))
        #expect(chunk.encoded().count == 16 + 3 * 64 + 6 * 4)
    }
}
