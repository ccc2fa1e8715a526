/// A line chart of a few series over one x axis: learning curves (loss and accuracy per epoch) and
/// reliability diagrams both use it.
public struct LineChart: Sendable {
    public struct Series: Sendable {
        public var name: String
        public var points: [(x: Double, y: Double)]
        public var dashed: Bool

        public init(name: String, points: [(x: Double, y: Double)], dashed: Bool = false) {
            self.name = name
            self.points = points
            self.dashed = dashed
        }
    }

    public var title: String
    public var xLabel: String
    public var yLabel: String
    public var series: [Series]
    /// A fixed y range (accuracy in 0...1, say); nil fits the data.
    public var yRange: ClosedRange<Double>?

    public init(title: String, xLabel: String, yLabel: String, series: [Series], yRange: ClosedRange<Double>? = nil) {
        self.title = title
        self.xLabel = xLabel
        self.yLabel = yLabel
        self.series = series
        self.yRange = yRange
    }

    static let palette = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b"]

    public var svg: String {
        let width = 560.0, height = 340.0, left = 60.0, right = 140.0, top = 36.0, bottom = 44.0
        let all = series.flatMap(\.points)
        let xs = all.map(\.x), ys = all.map(\.y)
        let xMin = xs.min() ?? 0, xMax = max(xs.max() ?? 1, xMin + 1e-9)
        var yMin = yRange?.lowerBound ?? (ys.min() ?? 0), yMax = yRange?.upperBound ?? (ys.max() ?? 1)
        if yMax - yMin < 1e-9 { yMin -= 0.5; yMax += 0.5 }
        let plotWidth = width - left - right, plotHeight = height - top - bottom
        func px(_ x: Double) -> Double { left + (x - xMin) / (xMax - xMin) * plotWidth }
        func py(_ y: Double) -> Double { top + (1 - (y - yMin) / (yMax - yMin)) * plotHeight }

        var svg = SVGDocument(width: Int(width), height: Int(height))
        svg.text(title, x: left, y: 22, size: 15, bold: true)
        for step in 0...4 {
            let y = yMin + (yMax - yMin) * Double(step) / 4
            svg.line(x1: left, y1: py(y), x2: left + plotWidth, y2: py(y), stroke: "#e5e5e5")
            svg.text(Self.tick(y), x: left - 6, y: py(y) + 4, size: 10, anchor: .end, fill: "#555")
        }
        for step in 0...4 {
            let x = xMin + (xMax - xMin) * Double(step) / 4
            svg.text(Self.tick(x), x: px(x), y: top + plotHeight + 16, size: 10, anchor: .middle, fill: "#555")
        }
        svg.line(x1: left, y1: top + plotHeight, x2: left + plotWidth, y2: top + plotHeight, stroke: "#333")
        svg.line(x1: left, y1: top, x2: left, y2: top + plotHeight, stroke: "#333")
        svg.text(xLabel, x: left + plotWidth / 2, y: height - 8, size: 11, anchor: .middle)
        svg.text(yLabel, x: 16, y: top + plotHeight / 2, size: 11, anchor: .middle, rotate: -90)
        for (index, line) in series.enumerated() {
            let colour = Self.palette[index % Self.palette.count]
            svg.polyline(line.points.map { (px($0.x), py($0.y)) }, stroke: colour, dashed: line.dashed)
            let legendY = top + 12 + Double(index) * 18
            svg.line(x1: width - right + 12, y1: legendY - 4, x2: width - right + 32, y2: legendY - 4, stroke: colour, width: 2)
            svg.text(line.name, x: width - right + 38, y: legendY, size: 11)
        }
        return svg.rendered
    }

    static func tick(_ value: Double) -> String {
        let magnitude = abs(value)
        if magnitude >= 100 || value == value.rounded() { return String(Int(value.rounded())) }
        return magnitude >= 1 ? String(format: "%.1f", value) : String(format: "%.2f", value)
    }
}
