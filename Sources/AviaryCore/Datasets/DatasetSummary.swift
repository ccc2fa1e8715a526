/// What `aviary data show` prints: where a version came from, its classes and its image sizes.
public struct DatasetSummary: Codable, Sendable {
    public struct Range: Codable, Sendable, Equatable {
        public var min: Int
        public var median: Int
        public var max: Int

        init(_ values: [Int]) {
            let sorted = values.sorted()
            min = sorted.first ?? 0
            median = sorted.isEmpty ? 0 : sorted[sorted.count / 2]
            max = sorted.last ?? 0
        }
    }

    public var version: DatasetVersion
    public var classCounts: [String: Int]
    public var width: Range
    public var height: Range

    public init(version: DatasetVersion, manifest: DatasetManifest) {
        self.version = version
        self.classCounts = manifest.classCounts
        self.width = Range(manifest.items.map(\.width))
        self.height = Range(manifest.items.map(\.height))
    }

    public var text: String {
        var lines = [
            "Version   \(version.reference)  (\(version.id))",
            "Lineage   \(version.lineage.operation) " + version.lineage.parameters.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                + (version.lineage.parents.isEmpty ? "" : " from " + version.lineage.parents.map { String($0.prefix(12)) }.joined(separator: ", ")),
            "Images    \(version.itemCount) (\(version.unlabeledCount) unlabeled)",
            "Width     min \(width.min), median \(width.median), max \(width.max)",
            "Height    min \(height.min), median \(height.median), max \(height.max)",
            "Classes   \(classCounts.count)",
        ]
        let widest = classCounts.keys.map(\.count).max() ?? 0
        let most = classCounts.values.max() ?? 1
        for (name, count) in classCounts.sorted(by: { $0.key < $1.key }) {
            let bar = String(repeating: "█", count: max(1, 30 * count / most))
            lines.append("  " + name.padding(toLength: widest, withPad: " ", startingAt: 0) + "  \(count)".padding(toLength: 9, withPad: " ", startingAt: 0) + bar)
        }
        return lines.joined(separator: "\n")
    }
}
