import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite("aviary evaluate")
struct EvaluateCommandTests {
    @Test("scores a predictions file on a dataset version and writes the report and its charts")
    func evaluate() async throws {
        let project = try await AviaryProcess.initializedProject()
        let photos = TemporaryDirectory()
        var ids: [String: String] = [:]
        for (name, seed) in [("cat/a.png", 1), ("cat/b.png", 2), ("dog/c.png", 3), ("dog/d.png", 4), ("fox/e.png", 5)] {
            let file = try photos.write(name, try SampleImages.png(seed: seed))
            ids[name] = try await AviaryProcess.run(["blob", "put", file.path], in: project.url).standardOutput
                .trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try await AviaryProcess.run(["data", "import", photos.url.path, "--dataset", "pets"], in: project.url).status == 0)
        let lines = [#"{"classes": ["cat", "dog"]}"#,
                     #"{"image": "\#(ids["cat/a.png"]!)", "probabilities": [0.9, 0.1]}"#,
                     #"{"image": "\#(ids["cat/b.png"]!)", "probabilities": [0.3, 0.7]}"#,
                     #"{"image": "\#(ids["dog/c.png"]!)", "probabilities": [0.2, 0.8]}"#]
        let predictions = try photos.write("predictions.jsonl", Data(lines.joined(separator: "\n").utf8))
        let out = photos.url.appendingPathComponent("report")
        let result = try await AviaryProcess.run(["evaluate", "pets", "--predictions", predictions.path, "--out", out.path], in: project.url)
        #expect(result.status == 0, "\(result.standardError)")
        let text = result.standardOutput
        #expect(text.contains(": 3 images, 2 classes\naccuracy      66.7%\nmacro F1      0.667\n"))
        #expect(text.contains("left out: 1 images without a prediction"))
        #expect(text.contains("left out: 1 images labelled 'fox', a class the model does not know"))
        #expect(text.contains("most confused: cat → dog (1)"))
        let report = try JSONDecoder().decode(ClassificationReport.self, from: Data(contentsOf: out.appendingPathComponent("report.json")))
        #expect(report.confusion == [[1, 1], [0, 1]])
        #expect(try String(contentsOf: out.appendingPathComponent("confusion-matrix.svg"), encoding: .utf8).hasPrefix("<svg"))
        #expect(FileManager.default.fileExists(atPath: out.appendingPathComponent("reliability.svg").path))
        let sheet = try Data(contentsOf: out.appendingPathComponent("misclassified.png"))
        #expect(Array(sheet.prefix(4)) == [0x89, 0x50, 0x4E, 0x47])
    }

    @Test("a malformed predictions file is refused with its line")
    func malformed() async throws {
        let project = try await AviaryProcess.initializedProject()
        let photos = TemporaryDirectory()
        _ = try photos.write("cat/a.png", try SampleImages.png(seed: 1))
        #expect(try await AviaryProcess.run(["data", "import", photos.url.path, "--dataset", "pets"], in: project.url).status == 0)
        let predictions = try photos.write("p.jsonl", Data((#"{"classes": ["cat"]}"# + "\n" + #"{"image": "sha256:12", "probabilities": [1]}"#).utf8))
        let result = try await AviaryProcess.run(["evaluate", "pets", "--predictions", predictions.path], in: project.url)
        #expect(result.status == 65)
        #expect(result.standardError.contains(#"p.jsonl:2: "sha256:12" is not a blob id"#), "\(result.standardError)")
    }
}
