import AviaryJSON
import AviaryStore

/// One image of a dataset version and what is known about it.
///
/// Only content goes in an item: the image's blob id, its labels, its size and the attributes that came
/// with it. Where the file was found does not, so the same images with the same labels make the same
/// version whether they came from a folder, a manifest or an IDX file.
public struct DatasetItem: Codable, Hashable, Sendable {
    public var image: BlobID
    /// Class names; empty when the image is unlabeled, several for multi-label data.
    public var labels: [String]
    public var width: Int
    public var height: Int
    /// Attributes carried over from the source, such as a Ground Truth line's label metadata, kept as they
    /// were so that an export gives them back.
    public var attributes: [String: JSONValue]?

    public init(image: BlobID, labels: [String], width: Int, height: Int, attributes: [String: JSONValue]? = nil) {
        self.image = image
        self.labels = labels
        self.width = width
        self.height = height
        self.attributes = attributes
    }
}
