import AviaryJSON
import Foundation

/// A SageMaker Ground Truth augmented manifest: JSON Lines, each with a `source-ref` and, for labeled
/// images, a label attribute `<job>` beside its `<job>-metadata` object.
///
/// Single-label lines hold a class index and `class-name`; multi-label lines hold a list of indices and
/// a `class-map`. Everything on a line except `source-ref` is kept as the item's attributes, so an export
/// writes the line back as it was. `s3://` references are mapped to local folders by a prefix map.
public struct GroundTruthManifestSource: Sendable {
    public let file: URL
    public let labelAttribute: String?
    public let prefixMap: PrefixMap

    public init(file: URL, labelAttribute: String? = nil, prefixMap: PrefixMap = PrefixMap()) {
        self.file = file.standardizedFileURL
        self.labelAttribute = labelAttribute
        self.prefixMap = prefixMap
    }

    public func listing() throws -> ImportListing {
        guard let data = FileManager.default.contents(atPath: file.path) else { throw DatasetError.sourceNotFound(path: file.path) }
        var candidates: [ImportCandidate] = []
        var problems: [ImportProblem] = []
        var attribute = labelAttribute
        for (index, line) in data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).enumerated() {
            let number = index + 1
            let origin = "\(file.lastPathComponent):\(number)"
            guard !line.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\r") || $0 == UInt8(ascii: "\t") }) else { continue }
            guard let object = try? CanonicalJSON.decode([String: JSONValue].self, from: Data(line)) else {
                problems.append(ImportProblem(origin: origin, kind: .invalid, reason: "not a JSON object; each line of a manifest must be one"))
                continue
            }
            guard let sourceRef = object["source-ref"]?.stringValue else {
                problems.append(ImportProblem(origin: origin, kind: .invalid, reason: "no \"source-ref\" string"))
                continue
            }
            if attribute == nil { attribute = try Self.detectLabelAttribute(in: object, path: file.path, line: number) }
            let labels: [String]
            do {
                labels = try attribute.map { try Self.labels(of: object, attribute: $0) } ?? []
            } catch let reason as LabelReason {
                problems.append(ImportProblem(origin: origin, kind: .invalid, reason: reason.text))
                continue
            }
            let location: URL
            do {
                location = try resolve(sourceRef)
            } catch let reason as LabelReason {
                problems.append(ImportProblem(origin: origin, kind: .missing, reason: reason.text))
                continue
            }
            var attributes = object
            attributes["source-ref"] = nil
            candidates.append(ImportCandidate(origin: origin, key: sourceRef, content: .file(location), labels: labels,
                                              attributes: attributes.isEmpty ? nil : attributes))
        }
        var parameters = ["format": "manifest", "source": file.path]
        parameters["label-attribute"] = attribute
        return ImportListing(candidates: candidates, problems: problems, parameters: parameters)
    }

    /// The label attribute is the key whose `<key>-metadata` object sits beside it. When a line has
    /// several, the one typed as an image classification wins; otherwise the user must choose.
    static func detectLabelAttribute(in object: [String: JSONValue], path: String, line: Int) throws -> String? {
        let candidates = object.keys.filter { key in
            !key.hasSuffix("-metadata") && key != "source-ref" && object[key + "-metadata"].map { if case .object = $0 { true } else { false } } == true
        }.sorted()
        if candidates.count <= 1 { return candidates.first }
        let classification = candidates.filter { object[$0 + "-metadata"]?["type"]?.stringValue?.hasPrefix("groundtruth/image-classification") == true }
        if classification.count == 1 { return classification[0] }
        throw DatasetError.invalidSourceLine(path: path, line: line,
            reason: "several label attributes (\(candidates.joined(separator: ", "))); choose one with --label-attribute")
    }

    static func labels(of object: [String: JSONValue], attribute: String) throws -> [String] {
        guard let value = object[attribute] else { return [] }
        let metadata = object[attribute + "-metadata"]
        func name(_ index: Int) -> String {
            metadata?["class-map"]?[String(index)]?.stringValue ?? String(index)
        }
        switch value {
        case .int(let index):
            return [metadata?["class-name"]?.stringValue ?? name(index)]
        case .array(let values):
            return try values.map { element in
                guard let index = element.integerValue else { throw LabelReason(text: "\"\(attribute)\" holds a non-integer class index") }
                return name(index)
            }
        case .string(let label):
            return [label]
        default:
            throw LabelReason(text: "\"\(attribute)\" is neither a class index nor a list of them")
        }
    }

    func resolve(_ reference: String) throws -> URL {
        if reference.hasPrefix("s3://") {
            guard let mapped = prefixMap.localURL(for: reference) else {
                throw LabelReason(text: "\(reference) is in S3 and no --prefix-map maps it to a local folder")
            }
            return mapped
        }
        let path = reference.hasPrefix("file://") ? String(reference.dropFirst("file://".count)) : reference
        return URL(fileURLWithPath: path, relativeTo: file.deletingLastPathComponent()).standardizedFileURL
    }

    struct LabelReason: Error {
        var text: String
    }
}

/// Maps `s3://bucket/prefix/…` references to local folders, longest prefix first.
public struct PrefixMap: Sendable, Hashable {
    public private(set) var entries: [(prefix: String, folder: URL)] = []

    public init() {}

    /// Parses `s3://bucket/prefix=/local/folder` mappings.
    public init(parsing mappings: [String]) throws {
        for mapping in mappings {
            guard let equals = mapping.firstIndex(of: "="), mapping.hasPrefix("s3://") else { throw DatasetError.invalidPrefixMap(mapping) }
            let prefix = String(mapping[..<equals]), folder = String(mapping[mapping.index(after: equals)...])
            guard !folder.isEmpty else { throw DatasetError.invalidPrefixMap(mapping) }
            entries.append((prefix, URL(fileURLWithPath: folder, isDirectory: true)))
        }
        entries.sort { $0.prefix.count > $1.prefix.count }
    }

    public func localURL(for reference: String) -> URL? {
        guard let entry = entries.first(where: { reference.hasPrefix($0.prefix) }) else { return nil }
        let rest = reference.dropFirst(entry.prefix.count).drop { $0 == "/" }
        return entry.folder.appendingPathComponent(String(rest)).standardizedFileURL
    }

    public static func == (lhs: PrefixMap, rhs: PrefixMap) -> Bool {
        lhs.entries.map(\.prefix) == rhs.entries.map(\.prefix) && lhs.entries.map(\.folder) == rhs.entries.map(\.folder)
    }

    public func hash(into hasher: inout Hasher) {
        for entry in entries { hasher.combine(entry.prefix); hasher.combine(entry.folder) }
    }
}
