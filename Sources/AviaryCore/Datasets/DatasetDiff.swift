import AviaryStore

/// What changed between two versions, matched by image content.
public struct DatasetDiff: Codable, Hashable, Sendable {
    public struct Relabel: Codable, Hashable, Sendable {
        public var image: BlobID
        public var from: [String]
        public var to: [String]

        public init(image: BlobID, from: [String], to: [String]) {
            self.image = image
            self.from = from
            self.to = to
        }
    }

    public var added: [DatasetItem]
    public var removed: [DatasetItem]
    public var relabelled: [Relabel]

    public init(from old: DatasetManifest, to new: DatasetManifest) {
        let before = Dictionary(old.items.map { ($0.image, $0) }, uniquingKeysWith: { first, _ in first })
        let after = Dictionary(new.items.map { ($0.image, $0) }, uniquingKeysWith: { first, _ in first })
        added = new.items.filter { before[$0.image] == nil }
        removed = old.items.filter { after[$0.image] == nil }
        relabelled = new.items.compactMap { item in
            guard let earlier = before[item.image], earlier.labels != item.labels else { return nil }
            return Relabel(image: item.image, from: earlier.labels, to: item.labels)
        }
    }

    public var isEmpty: Bool { added.isEmpty && removed.isEmpty && relabelled.isEmpty }

    public var text: String {
        var lines = ["\(added.count) added, \(removed.count) removed, \(relabelled.count) relabelled"]
        lines += added.map { "+ \($0.image) \($0.labels.joined(separator: ","))" }
        lines += removed.map { "- \($0.image) \($0.labels.joined(separator: ","))" }
        lines += relabelled.map { "~ \($0.image) \($0.from.joined(separator: ",")) -> \($0.to.joined(separator: ","))" }
        return lines.joined(separator: "\n")
    }
}
