import Foundation
import Testing
@testable import AviaryVision

/// Synthetic samples; every `failEvery`-th one is a broken file. Counts samples loaded but not yet
/// consumed, to check from outside that the loader's memory stays bounded.
final class SyntheticSource: ImageSampleSource, @unchecked Sendable {
    let count: Int
    let failEvery: Int
    private let lock = NSLock()
    private var outstanding = 0
    private(set) var peakOutstanding = 0

    init(count: Int, failEvery: Int = 0) {
        self.count = count
        self.failEvery = failEvery
    }

    func name(of index: Int) -> String { "sample-\(index).png" }

    func load(_ index: Int, decoder: ImageDecoder, options: DecodeOptions) throws -> (image: Image, label: Int) {
        if failEvery > 0 && index % failEvery == failEvery - 1 {
            throw ImageError(source: name(of: index), reason: .truncated(detail: "synthetic"))
        }
        lock.withLock {
            outstanding += 1
            peakOutstanding = max(peakOutstanding, outstanding)
        }
        return (randomImage(width: 24 + index % 5, height: 20 + index % 3, format: .rgb, seed: UInt64(index)), index % 10)
    }

    func consumed(_ samples: Int) { lock.withLock { outstanding -= samples } }
}

@Suite("Data loader")
struct DataLoaderTests {
    private let augmenting = ImagePipeline(steps: [
        .randomResizedCrop(RandomResizedCrop(size: Size(width: 12, height: 12))),
        .horizontalFlip(probability: 0.5),
        .colorJitter(ColorJitter(brightness: 0.3, contrast: 0.3, saturation: 0.3)),
    ], normalization: .imageNet)

    private func run(workers: Int, prefetch: Int = 3, seed: UInt64 = 42, epoch: Int = 0) -> [Batch] {
        let loader = DataLoader(source: SyntheticSource(count: 53, failEvery: 10), pipeline: augmenting,
                                configuration: .init(batchSize: 8, workers: workers, prefetch: prefetch, seed: seed))
        return Array(loader.batches(epoch: epoch))
    }

    @Test func outputIsIdenticalWhateverTheThreadCount() {
        let one = run(workers: 1), four = run(workers: 4, prefetch: 2)
        #expect(one.count == 7)
        #expect(one == four)
        #expect(one.map(\.position) == Array(0..<7))
        #expect(run(workers: 3, epoch: 1) != one)  // another epoch, another order and augmentation
        #expect(run(workers: 2, seed: 7) != one)
    }

    @Test func batchesAreStackedCHWWithLabels() {
        let batches = run(workers: 2)
        let first = batches[0]
        #expect(first.shape == [first.indices.count, 3, 12, 12])
        #expect(first.values.count == first.shape.reduce(1, *))
        #expect(first.labels == first.indices.map { $0 % 10 })
        #expect(Set(batches.flatMap(\.indices) + batches.flatMap { $0.skipped.map(\.index) }) == Set(0..<53))
    }

    @Test func brokenSamplesAreSkippedAndReported() {
        let skipped = run(workers: 2).flatMap(\.skipped)
        #expect(skipped.map(\.index).sorted() == [9, 19, 29, 39, 49])
        #expect(skipped.allSatisfy { $0.description.contains("sample-\($0.index).png") && $0.reason.contains("truncated") })
    }

    @Test("in-flight batches never exceed the prefetch bound", arguments: [1, 2, 5])
    func prefetchIsBounded(prefetch: Int) {
        let source = SyntheticSource(count: 120)
        let loader = DataLoader(source: source, pipeline: ImagePipeline(steps: [.resize(Size(width: 8, height: 8), .area)]),
                                configuration: .init(batchSize: 4, workers: 4, prefetch: prefetch))
        let batches = loader.batches()
        var count = 0
        for batch in batches {
            Thread.sleep(forTimeInterval: 0.001)  // a slow consumer lets the workers run ahead if they can
            source.consumed(batch.indices.count)
            count += 1
        }
        #expect(count == 30)
        #expect(batches.peakInFlight <= prefetch)
        // The loader's window plus the one batch the consumer is holding.
        #expect(source.peakOutstanding <= (prefetch + 1) * 4)
    }

    @Test func droppingTheIteratorStopsTheWorkers() {
        let loader = DataLoader(source: SyntheticSource(count: 400), pipeline: augmenting,
                                configuration: .init(batchSize: 4, workers: 2, prefetch: 2))
        var iterator = loader.batches()
        #expect(iterator.next()?.position == 0)
        iterator = loader.batches(epoch: 1)  // the first iterator's deinit joins its workers
        #expect(iterator.next()?.position == 0)
    }

    @Test func realFilesWithBrokenOnesAmongThem() throws {
        let names = ["photo-baseline.jpg", "broken-truncated.jpg", "photo-progressive.jpg", "bomb.png", "photo-cmyk.jpg"]
        let source = ImageFileSource(paths: names.map(Fixtures.path), labels: [0, 1, 2, 3, 4])
        let loader = DataLoader(source: source, pipeline: .evaluation(resize: 64, crop: 56),
                                configuration: .init(batchSize: 5, workers: 2, shuffle: false))
        let batches = Array(loader.batches())
        #expect(batches.count == 1)
        #expect(batches[0].shape == [3, 3, 56, 56])
        #expect(batches[0].labels == [0, 2, 4])
        #expect(batches[0].skipped.map(\.name) == [Fixtures.path("broken-truncated.jpg"), Fixtures.path("bomb.png")])
    }

    @Test func fashionMNISTThroughTheLoader() throws {
        let images = try IDXFile(bytes: [0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2] + Array(0..<12), name: "imgs")
        let labels = try IDXFile(bytes: [0, 0, 8, 1, 0, 0, 0, 3, 4, 5, 6], name: "labels")
        let loader = DataLoader(source: IDXImageSource(images: images, labels: labels),
                                pipeline: ImagePipeline(steps: [.resize(Size(width: 4, height: 4), .bilinear), .toRGB]),
                                configuration: .init(batchSize: 3, shuffle: false))
        let batch = try #require(Array(loader.batches()).first)
        #expect(batch.shape == [3, 3, 4, 4])
        #expect(batch.labels == [4, 5, 6])
        #expect(batch.values[0] == 0)
    }
}
