import AviaryStore
import AviaryVision

/// A PNG grid of sample images, one row per class, for looking at a dataset at a glance.
/// Samples are the first images of each class in manifest (image id) order, so the sheet of a version
/// never changes.
public struct ContactSheet: Sendable {
    public var samplesPerClass: Int
    public var cell: Int
    public var maximumRows: Int

    public init(samplesPerClass: Int = 8, cell: Int = 64, maximumRows: Int = 40) {
        self.samplesPerClass = max(1, samplesPerClass)
        self.cell = cell
        self.maximumRows = maximumRows
    }

    /// The encoded PNG and the class shown on each row, top to bottom.
    public func render(_ manifest: DatasetManifest, blobs: any BlobStore) throws -> (png: [UInt8], rows: [String]) {
        let groups = Dictionary(grouping: manifest.items) { $0.labels.first ?? "(unlabeled)" }
        let rows = Array(groups.keys.sorted().prefix(maximumRows))
        let gap = 2
        let width = samplesPerClass * (cell + gap) + gap, height = max(1, rows.count) * (cell + gap) + gap
        var canvas = [UInt8](repeating: 32, count: width * height * 3)
        let decoder = ImageDecoder()
        for (row, name) in rows.enumerated() {
            for (column, item) in groups[name]!.prefix(samplesPerClass).enumerated() {
                let image = try decoder.decode(try blobs.data(item.image), name: item.image.description).converted(to: .rgb)
                let scale = Double(cell) / Double(max(image.width, image.height))
                let size = Size(width: max(1, Int((Double(image.width) * scale).rounded())), height: max(1, Int((Double(image.height) * scale).rounded())))
                let thumbnail = image.resized(to: size)
                let left = gap + column * (cell + gap) + (cell - size.width) / 2
                let top = gap + row * (cell + gap) + (cell - size.height) / 2
                for y in 0..<size.height {
                    let source = y * size.width * 3, target = ((top + y) * width + left) * 3
                    canvas.replaceSubrange(target..<(target + size.width * 3), with: thumbnail.pixels[source..<(source + size.width * 3)])
                }
            }
        }
        let sheet = Image(width: width, height: height, format: .rgb, pixels: canvas)
        return (try decoder.encodePNG(sheet, name: "contact sheet"), rows)
    }
}
