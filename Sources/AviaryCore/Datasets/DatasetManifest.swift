import AviaryStore
import Foundation

/// The immutable content of a dataset version: its items, one JSON object per line, sorted by image id,
/// after a header line that names the format and its version.
///
/// The manifest's bytes are canonical (sorted items, sorted keys), so its blob id is a function of the
/// content alone: that blob id is the version id.
public struct DatasetManifest: Hashable, Sendable {
    public static let format = "aviary.dataset-manifest"
    public static let formatVersion = 1

    public private(set) var items: [DatasetItem]

    public init(items: [DatasetItem]) {
        self.items = items.sorted { $0.image < $1.image }
    }

    /// Every class name that appears, sorted.
    public var classes: [String] {
        Array(Set(items.flatMap(\.labels))).sorted()
    }

    /// How many items carry each class; unlabeled items are not counted.
    public var classCounts: [String: Int] {
        items.reduce(into: [:]) { counts, item in
            for label in item.labels { counts[label, default: 0] += 1 }
        }
    }

    public func encoded() throws -> Data {
        var data = try CanonicalJSON.encode(Header(format: Self.format, version: Self.formatVersion))
        for item in items {
            data.append(UInt8(ascii: "\n"))
            data.append(try CanonicalJSON.encode(item))
        }
        data.append(UInt8(ascii: "\n"))
        return data
    }

    /// Reads a manifest; `name` identifies it in errors (a blob id or a path).
    public static func decode(_ data: Data, name: String) throws -> DatasetManifest {
        let lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true)
        guard let first = lines.first, let header = try? CanonicalJSON.decode(Header.self, from: Data(first)),
              header.format == format else {
            throw DatasetError.malformedManifest(name: name, line: 1, reason: "the first line is not an \(format) header")
        }
        guard header.version <= formatVersion else {
            throw DatasetError.malformedManifest(name: name, line: 1,
                reason: "format version \(header.version) is newer than this aviary's \(formatVersion); upgrade aviary")
        }
        var items: [DatasetItem] = []
        for (index, line) in lines.dropFirst().enumerated() {
            do {
                items.append(try CanonicalJSON.decode(DatasetItem.self, from: Data(line)))
            } catch {
                throw DatasetError.malformedManifest(name: name, line: index + 2, reason: "\(error)")
            }
        }
        return DatasetManifest(items: items)
    }

    struct Header: Codable {
        var format: String
        var version: Int
    }
}
