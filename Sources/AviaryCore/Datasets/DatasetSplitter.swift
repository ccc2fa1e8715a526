import AviaryStore
import AviaryVision

/// Splits a version into parts (train, validation, test) with the same class proportions in each.
///
/// Within each class (the first label; unlabeled items form a class of their own) items are shuffled
/// with a seeded generator and cut at exact counts: each part gets `fraction × class size` rounded by
/// largest remainder, so counts always add up and the same seed always gives the same split.
public struct DatasetSplitter: Sendable {
    public struct Part: Hashable, Sendable {
        public var name: String
        public var fraction: Double

        public init(name: String, fraction: Double) {
            self.name = name
            self.fraction = fraction
        }
    }

    public let parts: [Part]
    public let seed: UInt64

    public init(parts: [Part], seed: UInt64) throws {
        guard !parts.isEmpty, parts.allSatisfy({ $0.fraction >= 0 }), Set(parts.map(\.name)).count == parts.count else {
            throw DatasetError.invalidSplit(reason: "give each part a distinct name and a fraction of at least 0")
        }
        let total = parts.reduce(0) { $0 + $1.fraction }
        guard abs(total - 1) < 1e-9 else {
            throw DatasetError.invalidSplit(reason: "fractions add up to \(total), not 1 (\(parts.map { "\($0.name) \($0.fraction)" }.joined(separator: ", ")))")
        }
        self.parts = parts
        self.seed = seed
    }

    /// How many of `count` items each part gets: floors first, then the largest remainders get one more.
    public func counts(for count: Int) -> [Int] {
        let exact = parts.map { $0.fraction * Double(count) }
        var counts = exact.map { Int($0.rounded(.down)) }
        let order = exact.indices.sorted { (exact[$0] - Double(counts[$0]), -$0) > (exact[$1] - Double(counts[$1]), -$1) }
        for index in order.prefix(count - counts.reduce(0, +)) { counts[index] += 1 }
        return counts
    }

    /// The manifest of each part, in the order of `parts`.
    public func split(_ manifest: DatasetManifest) -> [DatasetManifest] {
        var buckets = [[DatasetItem]](repeating: [], count: parts.count)
        let strata = Dictionary(grouping: manifest.items) { $0.labels.first ?? "" }
        for stratum in strata.keys.sorted() {
            var items = strata[stratum]!
            var generator = SeededGenerator(seed: seed ^ UInt64(truncatingIfNeeded: StableHash.of(stratum)))
            for index in stride(from: items.count - 1, to: 0, by: -1) {
                items.swapAt(index, Int(generator.next() % UInt64(index + 1)))
            }
            var start = 0
            for (part, count) in counts(for: items.count).enumerated() {
                buckets[part] += items[start..<(start + count)]
                start += count
            }
        }
        return buckets.map(DatasetManifest.init(items:))
    }
}

/// FNV-1a over UTF-8: a hash that, unlike `hashValue`, is the same in every process.
public enum StableHash {
    public static func of(_ text: String) -> UInt64 {
        text.utf8.reduce(0xcbf2_9ce4_8422_2325) { ($0 ^ UInt64($1)) &* 0x100_0000_01b3 }
    }
}
