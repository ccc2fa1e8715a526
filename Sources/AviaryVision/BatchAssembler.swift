/// Builds one batch on one worker thread: load, transform, normalise, stack. Every failure becomes
/// a `SampleFailure` in the batch instead of an error, so one bad file never stops an epoch.
enum BatchAssembler {
    static func assemble<Source: ImageSampleSource>(position: Int, indices: [Int], source: Source,
                                                    pipeline: ImagePipeline, seed: UInt64, epoch: Int,
                                                    decoder: ImageDecoder) -> Batch {
        var images: [Image] = [], labels: [Int] = [], kept: [Int] = [], skipped: [SampleFailure] = []
        for index in indices {
            var generator = SeededGenerator(seed: seed, stream: UInt64(epoch), index: UInt64(index))
            do {
                let (decoded, label) = try source.load(index, decoder: decoder, options: pipeline.decodeOptions)
                let image = try pipeline.transform(decoded, using: &generator)
                if let first = images.first, first.size != image.size || first.format != image.format {
                    throw SampleFailure(index: index, name: source.name(of: index),
                                        reason: "transformed to \(image.size) \(image.format), but the batch is "
                                            + "\(first.size) \(first.format); end the pipeline with a fixed-size crop")
                }
                images.append(image)
                labels.append(label)
                kept.append(index)
            } catch let failure as SampleFailure {
                skipped.append(failure)
            } catch {
                skipped.append(SampleFailure(index: index, name: source.name(of: index), reason: "\(error)"))
            }
        }
        guard let first = images.first else {
            return Batch(shape: [0, 0, 0, 0], values: [], labels: [], indices: [], skipped: skipped, position: position)
        }
        let sampleLength = first.channels * first.width * first.height
        let normalization = pipeline.normalization ?? .unit(channels: first.channels)
        let values = [Float](unsafeUninitializedCapacity: sampleLength * images.count) { buffer, count in
            for (n, image) in images.enumerated() {
                normalization.write(image, into: UnsafeMutableBufferPointer(rebasing: buffer[(n * sampleLength)..<((n + 1) * sampleLength)]))
            }
            count = sampleLength * images.count
        }
        return Batch(shape: [images.count, first.channels, first.height, first.width], values: values, labels: labels,
                     indices: kept, skipped: skipped, position: position)
    }
}
