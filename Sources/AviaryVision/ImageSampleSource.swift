import Foundation

/// Where a loader gets sample `index`: decoded image and class label. Implementations must be safe
/// to call from several threads at once; each thread passes its own decoder.
public protocol ImageSampleSource: Sendable {
    var count: Int { get }
    /// A name for sample `index` in reports (a path, or "train-images#17").
    func name(of index: Int) -> String
    func load(_ index: Int, decoder: ImageDecoder, options: DecodeOptions) throws -> (image: Image, label: Int)
}

/// Image files on disk with their labels.
public struct ImageFileSource: ImageSampleSource {
    public let paths: [String]
    public let labels: [Int]

    public init(paths: [String], labels: [Int]) {
        precondition(paths.count == labels.count, "\(paths.count) paths but \(labels.count) labels")
        self.paths = paths
        self.labels = labels
    }

    public var count: Int { paths.count }
    public func name(of index: Int) -> String { paths[index] }

    public func load(_ index: Int, decoder: ImageDecoder, options: DecodeOptions) throws -> (image: Image, label: Int) {
        (try decoder.decodeFile(atPath: paths[index], options: options), labels[index])
    }
}

/// An IDX image file with its IDX label file (MNIST, Fashion-MNIST).
public struct IDXImageSource: ImageSampleSource {
    public let images: IDXFile
    public let labels: IDXFile
    public let name: String

    public init(images: IDXFile, labels: IDXFile, name: String = "idx") {
        precondition(images.dimensions.count == 3 && labels.dimensions.count == 1 && images.count == labels.count,
                     "IDX images \(images.dimensions) and labels \(labels.dimensions) do not pair up")
        self.images = images
        self.labels = labels
        self.name = name
    }

    public var count: Int { images.count }
    public func name(of index: Int) -> String { "\(name)#\(index)" }

    public func load(_ index: Int, decoder: ImageDecoder, options: DecodeOptions) throws -> (image: Image, label: Int) {
        let image = images.image(at: index)
        return (options.color == .rgb ? image.converted(to: .rgb) : image, Int(labels.data[index]))
    }
}
