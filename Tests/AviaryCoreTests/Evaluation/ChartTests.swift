import AviaryCore
import Foundation
import Testing
#if canImport(FoundationXML)
import FoundationXML
#endif

@Suite("Charts")
struct ChartTests {
    /// Counts elements by name and collects text, failing on anything that is not well-formed XML.
    final class Survey: NSObject, XMLParserDelegate {
        var counts: [String: Int] = [:]
        var text = ""
        func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                    attributes: [String: String] = [:]) { counts[name, default: 0] += 1 }
        func parser(_ parser: XMLParser, foundCharacters string: String) { text += string }
    }

    static func survey(_ svg: String) -> Survey? {
        let survey = Survey()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = survey
        return parser.parse() ? survey : nil
    }

    @Test("the confusion matrix is well-formed SVG with one cell per pair and escaped class names")
    func confusionMatrix() throws {
        let report = try ClassificationReport(classes: ["<cat>", "dog & co"], labels: [0, 0, 1],
                                              probabilities: [[0.9, 0.1], [0.2, 0.8], [0.3, 0.7]])
        let svg = report.confusionMatrixSVG
        let survey = try #require(Self.survey(svg))
        #expect(survey.counts["rect"] == 1 + 4)  // the background and four cells
        #expect(svg.contains("&lt;cat&gt;") && svg.contains("dog &amp; co") && !svg.contains("<cat>"))
        #expect(survey.text.contains("<cat> → dog & co: 1"))
        #expect(survey.text.contains("accuracy 66.7% on 3 images"))
    }

    @Test("learning curves draw one polyline per series, scaled into the plot")
    func learningCurves() throws {
        let chart = LineChart(title: "Loss", xLabel: "epoch", yLabel: "loss", series: [
            .init(name: "train", points: [(1, 2.0), (2, 1.0), (3, 0.5)]),
            .init(name: "validation", points: [(1, 2.2), (2, 1.4), (3, 1.1)], dashed: true),
        ])
        let svg = chart.svg
        let survey = try #require(Self.survey(svg))
        #expect(survey.counts["polyline"] == 2)
        // x from 1...3 maps onto 60...420, y from 0.5...2.2 onto 296...36.
        #expect(svg.contains(#"points="60,"#) && svg.contains("420,296"))
        #expect(svg.contains(#"stroke-dasharray="6 4""#))
    }

    @Test("the reliability diagram is well-formed and names the calibration error")
    func reliability() throws {
        let report = try ClassificationReport(classes: ["a", "b"], labels: [0, 1], probabilities: [[0.9, 0.1], [0.6, 0.4]])
        let survey = try #require(Self.survey(report.reliabilitySVG))
        #expect(survey.counts["polyline"] == 2)
        // Bin (0.8, 0.867] holds a right answer at 0.9: |1 − 0.9|; bin (0.533, 0.6] a wrong one at 0.6.
        #expect(abs(report.calibration.expectedCalibrationError - (0.5 * 0.1 + 0.5 * 0.6)) < 1e-7)
        #expect(survey.text.contains("expected calibration error 35.0%"))
    }
}
