import AviaryCore
import AviaryTensor
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

/// Real PNG files through the loader, straight into the engine.
@Suite struct BatchTensorTests {
    @Test func loaderBatchesFeedAConvolutionUnchanged() throws {
        let directory = TemporaryDirectory("batches")
        let paths = try (0..<5).map { try directory.write("i\($0).png", try SampleImages.png(seed: $0, width: 12, height: 9)).path }
        let spec = PreprocessingSpec(resize: .stretch, resizeTo: 0, inputSize: 8, filter: .bilinear, mean: [0.5, 0.5, 0.5], std: [0.25, 0.25, 0.25])
        let loader = DataLoader(source: ImageFileSource(paths: paths, labels: [0, 1, 0, 1, 1]), pipeline: spec.pipeline,
                                configuration: .init(batchSize: 2, workers: 2, shuffle: false))
        let batches: [Batch] = Array(loader.batches())
        #expect(batches.map(\.shape) == [[2, 3, 8, 8], [2, 3, 8, 8], [1, 3, 8, 8]])
        let first = try batches[0].tensor
        #expect(first.shape == [2, 3, 8, 8])
        #expect(first.scalars == batches[0].values)

        // A 1×1 convolution that sums the channels: the engine sees exactly the loader's planar floats.
        let weight = Variable(try Tensor(shape: [1, 3, 1, 1], scalars: [1, 1, 1]))
        let summed = try Variable(first).conv2d(weight: weight).value
        #expect(summed.shape == [2, 1, 8, 8])
        for n in 0..<2 {
            for y in 0..<8 {
                for x in 0..<8 {
                    let expected = (0..<3).map { first[n, $0, y, x] }.reduce(0, +)
                    #expect(abs(summed[n, 0, y, x] - expected) <= 1e-5)
                }
            }
        }
    }
}
