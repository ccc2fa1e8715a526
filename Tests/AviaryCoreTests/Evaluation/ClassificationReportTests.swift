import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite("Classification report")
struct ClassificationReportTests {
    /// Inputs and scikit-learn's figures, written by Fixtures/make_classification_report.py.
    struct Reference: Decodable {
        var classes: [String]
        var labels: [Int]
        var probabilities: [[Float]]
        var accuracy, top3, ece: Double
        var precision, recall, f1, macro, weighted: [Double]
        var support: [Int]
        var confusion: [[Int]]
    }

    static func reference() throws -> Reference {
        let url = PackagePaths.root.appendingPathComponent("Tests/AviaryCoreTests/Evaluation/Fixtures/classification_report.json")
        return try JSONDecoder().decode(Reference.self, from: Data(contentsOf: url))
    }

    @Test("matches scikit-learn on every figure")
    func matchesScikitLearn() throws {
        let r = try Self.reference()
        let report = try ClassificationReport(classes: r.classes, labels: r.labels, probabilities: r.probabilities, topK: [3, 5])
        let tolerance = 1e-12
        #expect(report.sampleCount == 60)
        #expect(abs(report.accuracy - r.accuracy) < tolerance)
        #expect(report.topK.map(\.k) == [3, 5])
        #expect(abs(report.topK[0].accuracy - r.top3) < tolerance)
        #expect(report.confusion == r.confusion)
        #expect(report.perClass.map(\.support) == r.support)
        for (k, scores) in report.perClass.enumerated() {
            #expect(abs(scores.precision - r.precision[k]) < tolerance, "precision of \(scores.name)")
            #expect(abs(scores.recall - r.recall[k]) < tolerance, "recall of \(scores.name)")
            #expect(abs(scores.f1 - r.f1[k]) < tolerance, "F1 of \(scores.name)")
        }
        let macro = report.macroAverage, weighted = report.weightedAverage
        #expect(abs(macro.precision - r.macro[0]) < tolerance && abs(macro.recall - r.macro[1]) < tolerance && abs(macro.f1 - r.macro[2]) < tolerance)
        #expect(abs(weighted.precision - r.weighted[0]) < tolerance && abs(weighted.recall - r.weighted[1]) < tolerance
            && abs(weighted.f1 - r.weighted[2]) < tolerance)
        // Confidences are Float32 here and float64 in NumPy: bin edges agree, sums differ in the 8th digit.
        #expect(abs(report.calibration.expectedCalibrationError - r.ece) < 1e-6)
        #expect(report.calibration.bins.reduce(0) { $0 + $1.count } == 60)
    }

    @Test("lists the most confused pairs largest first, ties in class order")
    func mostConfused() throws {
        let classes = ["cat", "dog", "fox"]
        let labels = [0, 0, 0, 1, 1, 2, 2]
        let p: [[Float]] = [[0.1, 0.8, 0.1], [0.2, 0.7, 0.1], [0.9, 0.05, 0.05], [0.6, 0.3, 0.1],
                            [0.1, 0.1, 0.8], [0.1, 0.1, 0.8], [0.5, 0.3, 0.2]]
        let report = try ClassificationReport(classes: classes, labels: labels, probabilities: p)
        #expect(report.confusion == [[1, 2, 0], [1, 0, 1], [1, 0, 1]])
        #expect(report.mostConfused == [
            .init(actual: "cat", predicted: "dog", count: 2), .init(actual: "dog", predicted: "cat", count: 1),
            .init(actual: "dog", predicted: "fox", count: 1), .init(actual: "fox", predicted: "cat", count: 1),
        ])
        #expect(report.topK.isEmpty, "top-5 means nothing with three classes")
        #expect(report.perClass[1] == .init(name: "dog", precision: 0, recall: 0, f1: 0, support: 2))
    }

    @Test("refuses predictions it cannot score, saying why")
    func badInput() {
        #expect(throws: EvaluationError.noSamples) { try ClassificationReport(classes: ["a"], labels: [], probabilities: []) }
        #expect(throws: EvaluationError.labelOutOfRange(sample: 1, label: 2, classes: 2)) {
            try ClassificationReport(classes: ["a", "b"], labels: [0, 2], probabilities: [[1, 0], [0, 1]])
        }
        #expect(throws: EvaluationError.rowWidth(sample: 0, width: 3, classes: 2)) {
            try ClassificationReport(classes: ["a", "b"], labels: [0], probabilities: [[1, 0, 0]])
        }
        #expect(EvaluationError.labelOutOfRange(sample: 1, label: 2, classes: 2).description
            == "sample 1 has label index 2, outside the model's 2 classes; evaluate on a dataset with the model's classes")
    }
}
