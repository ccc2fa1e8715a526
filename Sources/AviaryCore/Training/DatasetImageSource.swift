import AviaryStore
import AviaryVision
import Foundation

/// Dataset items as loader samples: each image read from the blob store and decoded, its label mapped
/// to the class index the model uses. Safe from several loader threads: it only reads.
public struct DatasetImageSource: ImageSampleSource {
    public let blobs: any BlobStore
    public let images: [BlobID]
    public let labels: [Int]

    public init(blobs: any BlobStore, images: [BlobID], labels: [Int]) {
        precondition(images.count == labels.count, "\(images.count) images but \(labels.count) labels")
        self.blobs = blobs
        self.images = images
        self.labels = labels
    }

    public var count: Int { images.count }
    public func name(of index: Int) -> String { images[index].description }

    public func load(_ index: Int, decoder: ImageDecoder, options: DecodeOptions) throws -> (image: Image, label: Int) {
        (try decoder.decode(try blobs.data(images[index]), name: images[index].description, options: options), labels[index])
    }

    /// The items of `manifest` that can train or test a single-label classifier over `classes`, with
    /// a count of the others by reason (unlabelled, several labels, a label the model does not know).
    public static func select(_ manifest: DatasetManifest, classes: [String], blobs: any BlobStore) -> (source: DatasetImageSource, skipped: [String: Int]) {
        let index = Dictionary(uniqueKeysWithValues: classes.enumerated().map { ($0.element, $0.offset) })
        var images: [BlobID] = [], labels: [Int] = [], skipped: [String: Int] = [:]
        for item in manifest.items {
            switch item.labels.count {
            case 0: skipped["unlabelled", default: 0] += 1
            case 1:
                if let label = index[item.labels[0]] {
                    images.append(item.image)
                    labels.append(label)
                } else {
                    skipped["label unknown to the model", default: 0] += 1
                }
            default: skipped["several labels", default: 0] += 1
            }
        }
        return (DatasetImageSource(blobs: blobs, images: images, labels: labels), skipped)
    }
}
