import Foundation

/// A small SVG writer: reports are charts people open in a browser, with no plotting library.
/// Text is always escaped, so a class named `<script>` is drawn, not run.
public struct SVGDocument: Sendable {
    public let width: Int
    public let height: Int
    private var elements: [String] = []

    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }

    public mutating func rect(x: Double, y: Double, width: Double, height: Double, fill: String, title: String? = nil) {
        let tooltip = title.map { "<title>\(Self.escape($0))</title>" } ?? ""
        elements.append(#"<rect x="\#(Self.number(x))" y="\#(Self.number(y))" width="\#(Self.number(width))" height="\#(Self.number(height))" fill="\#(fill)">\#(tooltip)</rect>"#)
    }

    public mutating func line(x1: Double, y1: Double, x2: Double, y2: Double, stroke: String = "#999", width: Double = 1) {
        elements.append(#"<line x1="\#(Self.number(x1))" y1="\#(Self.number(y1))" x2="\#(Self.number(x2))" y2="\#(Self.number(y2))" stroke="\#(stroke)" stroke-width="\#(Self.number(width))"/>"#)
    }

    public mutating func polyline(_ points: [(x: Double, y: Double)], stroke: String, width: Double = 2, dashed: Bool = false) {
        let list = points.map { "\(Self.number($0.x)),\(Self.number($0.y))" }.joined(separator: " ")
        let dash = dashed ? #" stroke-dasharray="6 4""# : ""
        elements.append(#"<polyline points="\#(list)" fill="none" stroke="\#(stroke)" stroke-width="\#(Self.number(width))"\#(dash)/>"#)
    }

    public enum Anchor: String, Sendable { case start, middle, end }

    public mutating func text(_ content: String, x: Double, y: Double, size: Double = 12, anchor: Anchor = .start,
                              fill: String = "#222", rotate: Double? = nil, bold: Bool = false) {
        let transform = rotate.map { #" transform="rotate(\#(Self.number($0)) \#(Self.number(x)) \#(Self.number(y)))""# } ?? ""
        let weight = bold ? #" font-weight="bold""# : ""
        elements.append(#"<text x="\#(Self.number(x))" y="\#(Self.number(y))" font-size="\#(Self.number(size))" text-anchor="\#(anchor.rawValue)" fill="\#(fill)"\#(weight)\#(transform)>\#(Self.escape(content))</text>"#)
    }

    /// The whole document, UTF-8.
    public var rendered: String {
        var out = #"<svg xmlns="http://www.w3.org/2000/svg" width="\#(width)" height="\#(height)" viewBox="0 0 \#(width) \#(height)" font-family="sans-serif">"#
        out += "\n" + #"<rect width="100%" height="100%" fill="white"/>"# + "\n"
        out += elements.joined(separator: "\n")
        return out + "\n</svg>\n"
    }

    static func escape(_ text: String) -> String {
        var out = ""
        for character in text {
            switch character {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&apos;"
            default: out.append(character)
            }
        }
        return out
    }

    /// Coordinates with at most two decimals, so that files are small and stable.
    static func number(_ value: Double) -> String {
        let rounded = (value * 100).rounded() / 100
        return rounded == rounded.rounded() ? String(Int(rounded)) : String(format: "%.2f", rounded)
            .replacingOccurrences(of: #"0$"#, with: "", options: .regularExpression)
    }
}
