import AviaryVision
import Foundation

/// MNIST-style IDX files: an images file (N×rows×columns bytes) and, optionally, a labels file of N
/// class indices. Class names come from `classNames`, else from a `classes.txt` beside the images
/// (one name per line, as `aviary data export --format idx` writes it), else the indices themselves.
/// Each image becomes a gray PNG, so that IDX data is stored like any other image.
public struct IDXSource: Sendable {
    public let images: URL
    public let labels: URL?
    public let classNames: [String]?

    public init(images: URL, labels: URL? = nil, classNames: [String]? = nil) {
        self.images = images.standardizedFileURL
        self.labels = labels ?? Self.siblingLabels(of: images)
        self.classNames = classNames
    }

    /// `train-images-idx3-ubyte.gz` → `train-labels-idx1-ubyte.gz`, when that file exists.
    static func siblingLabels(of images: URL) -> URL? {
        let name = images.lastPathComponent
        guard name.contains("images-idx3") else { return nil }
        let sibling = images.deletingLastPathComponent().appendingPathComponent(name.replacingOccurrences(of: "images-idx3", with: "labels-idx1"))
        return FileManager.default.fileExists(atPath: sibling.path) ? sibling : nil
    }

    public func listing() throws -> ImportListing {
        guard FileManager.default.fileExists(atPath: images.path) else { throw DatasetError.sourceNotFound(path: images.path) }
        let imageFile = try IDXFile(contentsOfFile: images.path)
        guard imageFile.dimensions.count == 3 else {
            throw DatasetError.invalidSourceLine(path: images.path, line: 1,
                reason: "an IDX images file has 3 dimensions (count, rows, columns); this one has \(imageFile.dimensions)")
        }
        let labelFile = try labels.map { try IDXFile(contentsOfFile: $0.path) }
        if let labelFile, let labels, labelFile.dimensions != [imageFile.count] {
            throw DatasetError.invalidSourceLine(path: labels.path, line: 1,
                reason: "holds \(labelFile.dimensions) labels for \(imageFile.count) images in \(images.lastPathComponent)")
        }
        let names = try classNames ?? Self.classesFile(beside: images)
        let encoder = ImageDecoder()
        let name = images.lastPathComponent
        var candidates: [ImportCandidate] = []
        candidates.reserveCapacity(imageFile.count)
        for index in 0..<imageFile.count {
            let png = try encoder.encodePNG(imageFile.image(at: index), name: "\(name)#\(index)")
            let labels = labelFile.map { file -> [String] in
                let label = Int(file.data[index])
                return [names.flatMap { label < $0.count ? $0[label] : nil } ?? String(label)]
            } ?? []
            candidates.append(ImportCandidate(origin: "\(name)#\(index)", key: "\(name)#\(index)", content: .bytes(Data(png)), labels: labels))
        }
        var parameters = ["format": "idx", "source": images.path]
        parameters["labels"] = labels?.path
        parameters["classes"] = names?.joined(separator: ",")
        return ImportListing(candidates: candidates, parameters: parameters)
    }

    static func classesFile(beside images: URL) throws -> [String]? {
        let file = images.deletingLastPathComponent().appendingPathComponent("classes.txt")
        guard let text = try? String(contentsOf: file, encoding: .utf8) else { return nil }
        return text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init).filter { !$0.isEmpty }
    }
}
