/// The confusion matrix as a heat map: rows are true classes, columns predictions, each cell shaded by
/// the share of its row (recall-normalised, so rare classes are as visible as common ones) and labelled
/// with its count.
public enum ConfusionMatrixChart {
    public static func svg(classes: [String], confusion: [[Int]], title: String = "Confusion matrix") -> String {
        let n = classes.count
        let cell = Double(max(18, min(48, 640 / max(1, n))))
        let labelWidth = Double(min(160, 8 + 7 * (classes.map(\.count).max() ?? 1)))
        let left = labelWidth + 24, top = labelWidth + 40
        var svg = SVGDocument(width: Int(left + cell * Double(n) + labelWidth / 2 + 20), height: Int(top + cell * Double(n) + 20))
        svg.text(title, x: left, y: 20, size: 15, bold: true)
        svg.text("predicted →", x: left, y: 36, size: 11, fill: "#666")
        svg.text("actual ↓", x: 8, y: top - 6, size: 11, fill: "#666")
        for (i, name) in classes.enumerated() {
            let middle = Double(i) * cell + cell / 2
            svg.text(name, x: left - 6, y: top + middle + 4, size: 11, anchor: .end)
            svg.text(name, x: left + middle + 4, y: top - 6, size: 11, rotate: -60)
        }
        for (actual, row) in confusion.enumerated() {
            let total = max(1, row.reduce(0, +))
            for (predicted, count) in row.enumerated() {
                let share = Double(count) / Double(total)
                let x = left + Double(predicted) * cell, y = top + Double(actual) * cell
                svg.rect(x: x, y: y, width: cell - 1, height: cell - 1, fill: shade(share, diagonal: actual == predicted),
                         title: "\(classes[actual]) → \(classes[predicted]): \(count)")
                if count > 0 && cell >= 22 {
                    svg.text(String(count), x: x + cell / 2, y: y + cell / 2 + 4, size: min(12, cell / 3), anchor: .middle,
                             fill: share > 0.55 ? "white" : "#222")
                }
            }
        }
        return svg.rendered
    }

    /// Blue for agreement, red for confusion, deeper with a larger share of the row.
    static func shade(_ share: Double, diagonal: Bool) -> String {
        let t = max(0, min(1, share))
        let (r, g, b) = diagonal ? (33.0, 102.0, 172.0) : (178.0, 24.0, 43.0)
        func mix(_ channel: Double) -> Int { Int((247 + (channel - 247) * t).rounded()) }
        return "rgb(\(mix(r)),\(mix(g)),\(mix(b)))"
    }
}
