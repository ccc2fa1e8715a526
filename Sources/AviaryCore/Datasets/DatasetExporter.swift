import AviaryJSON
import AviaryStore
import AviaryVision
import Foundation

/// Writes a version out in the formats it can be imported from, so that `import ∘ export` gives the
/// same version back: class folders, a Ground Truth augmented manifest with its images, or IDX files.
public struct DatasetExporter: Sendable {
    public enum Format: String, CaseIterable, Sendable {
        case folder, manifest, idx
    }

    let blobs: any BlobStore

    public init(blobs: any BlobStore) {
        self.blobs = blobs
    }

    /// Exports into `folder`, which must be new or empty; returns the files written.
    @discardableResult
    public func export(_ manifest: DatasetManifest, version: DatasetVersion, as format: Format, to folder: URL,
                       labelAttribute: String = "class", sourcePrefix: String? = nil) throws -> [URL] {
        let manager = FileManager.default
        if let existing = try? manager.contentsOfDirectory(atPath: folder.path), !existing.isEmpty {
            throw DatasetError.exportTargetNotEmpty(path: folder.path)
        }
        try manager.createDirectory(at: folder, withIntermediateDirectories: true)
        switch format {
        case .folder: return try exportFolders(manifest, to: folder)
        case .manifest: return try exportManifest(manifest, version: version, to: folder, labelAttribute: labelAttribute, sourcePrefix: sourcePrefix)
        case .idx: return try exportIDX(manifest, version: version, to: folder)
        }
    }

    func exportFolders(_ manifest: DatasetManifest, to folder: URL) throws -> [URL] {
        if let item = manifest.items.first(where: { $0.labels.count > 1 }) {
            throw DatasetError.cannotExport(format: "folder", reason: "image \(item.image) has several labels; class folders hold one label per image, export as a manifest instead")
        }
        return try manifest.items.map { item in
            let data = try blobs.data(item.image)
            let target = (item.labels.first.map { folder.appendingPathComponent(ClassFolderName.encode($0), isDirectory: true) } ?? folder)
                .appendingPathComponent(Self.fileName(for: item.image, data: data))
            try FileManager.default.createDirectory(at: target.deletingLastPathComponent(), withIntermediateDirectories: true)
            try data.write(to: target)
            return target
        }
    }

    func exportManifest(_ manifest: DatasetManifest, version: DatasetVersion, to folder: URL,
                        labelAttribute: String, sourcePrefix: String?) throws -> [URL] {
        let images = folder.appendingPathComponent("images", isDirectory: true)
        try FileManager.default.createDirectory(at: images, withIntermediateDirectories: true)
        let classes = manifest.classes
        var lines: [Data] = []
        var written: [URL] = []
        for item in manifest.items {
            let data = try blobs.data(item.image)
            let name = Self.fileName(for: item.image, data: data)
            let file = images.appendingPathComponent(name)
            try data.write(to: file)
            written.append(file)
            var line = item.attributes ?? GroundTruthLabels.attributes(for: item, classes: classes, attribute: labelAttribute,
                                                                        date: version.createdAt)
            line["source-ref"] = .string(sourcePrefix.map { $0.hasSuffix("/") ? $0 + "images/" + name : $0 + "/images/" + name } ?? "images/" + name)
            lines.append(try CanonicalJSON.encode(line))
        }
        let manifestFile = folder.appendingPathComponent("\(version.dataset).manifest")
        try Data(lines.joined(separator: Data("\n".utf8)) + Data("\n".utf8)).write(to: manifestFile)
        return [manifestFile] + written
    }

    func exportIDX(_ manifest: DatasetManifest, version: DatasetVersion, to folder: URL) throws -> [URL] {
        let classes = version.lineage.parameters["classes"].map { $0.split(separator: ",").map(String.init) } ?? manifest.classes
        guard let first = manifest.items.first else { return [] }
        let decoder = ImageDecoder()
        var pixels: [UInt8] = []
        var labels: [UInt8] = []
        for item in manifest.items {
            guard item.width == first.width, item.height == first.height else {
                throw DatasetError.cannotExport(format: "idx", reason: "every image must have the same size; found \(first.width)x\(first.height) and \(item.width)x\(item.height)")
            }
            guard item.labels.count == 1, let label = classes.firstIndex(of: item.labels[0]), label < 256 else {
                throw DatasetError.cannotExport(format: "idx", reason: "each image needs exactly one label, from at most 256 classes; image \(item.image) has \(item.labels)")
            }
            pixels += try decoder.decode(try blobs.data(item.image), name: item.image.description).converted(to: .gray).pixels
            labels.append(UInt8(label))
        }
        let files = [folder.appendingPathComponent("images-idx3-ubyte"), folder.appendingPathComponent("labels-idx1-ubyte"),
                     folder.appendingPathComponent("classes.txt")]
        try Data(IDXFile(dimensions: [manifest.items.count, first.height, first.width], data: pixels).encoded()).write(to: files[0])
        try Data(IDXFile(dimensions: [labels.count], data: labels).encoded()).write(to: files[1])
        try Data((classes.joined(separator: "\n") + "\n").utf8).write(to: files[2])
        return files
    }

    /// `<first 16 hex digits>.<jpg|png>`: unique enough inside one export, and stable across exports.
    static func fileName(for id: BlobID, data: Data) -> String {
        let ext = ImageFormat.sniff(data) == .png ? "png" : "jpg"
        return "\(id.hex.prefix(16)).\(ext)"
    }
}

/// Ground Truth's label attributes for an item that did not come from a Ground Truth manifest.
enum GroundTruthLabels {
    static func attributes(for item: DatasetItem, classes: [String], attribute: String, date: Date) -> [String: JSONValue] {
        let indices = item.labels.compactMap { classes.firstIndex(of: $0) }.map { JSONValue.int($0) }
        guard !indices.isEmpty else { return [:] }
        var metadata = JSONObject([
            ("job-name", .string("labeling-job/\(attribute)")),
            ("human-annotated", .string("yes")),
            ("creation-date", .string(date.formatted(.iso8601.year().month().day().time(includingFractionalSeconds: true)
                .dateTimeSeparator(.standard).timeSeparator(.colon).timeZone(separator: .omitted)))),
        ])
        if item.labels.count == 1 {
            metadata["class-name"] = .string(item.labels[0])
            metadata["type"] = .string("groundtruth/image-classification")
            return [attribute: indices[0], attribute + "-metadata": .object(metadata)]
        }
        metadata["class-map"] = .object(JSONObject(item.labels.compactMap { label in
            classes.firstIndex(of: label).map { (String($0), JSONValue.string(label)) }
        }))
        metadata["type"] = .string("groundtruth/image-classification-multilabel")
        return [attribute: .array(indices), attribute + "-metadata": .object(metadata)]
    }
}
