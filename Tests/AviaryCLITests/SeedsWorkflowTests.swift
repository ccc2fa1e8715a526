import AviaryCore
import AviaryStore
import AviaryTestSupport
import AviaryVision
import Foundation
import Testing

/// The worked example in examples/seeds-workflow: its definition and stand-in classifier, run by the
/// real executable on real PNGs, fanned out with Map; a failure notifies a real loopback webhook.
@Suite struct SeedsWorkflowTests {
    static let example = PackagePaths.root.appendingPathComponent("examples/seeds-workflow")

    /// What the stand-in computes, recomputed here from the image decoded by AviaryVision:
    /// the mean over pixels of the mean of the colour channels.
    static func expectedPrediction(_ file: URL) throws -> (label: String, confidence: Double) {
        let image = try ImageDecoder().decode(try Data(contentsOf: file), name: file.lastPathComponent)
        let colour = image.channels == 2 || image.channels == 4 ? image.channels - 1 : image.channels
        var total = 0.0
        for p in 0..<(image.width * image.height) {
            total += Double((0..<colour).reduce(0) { $0 + Int(image.pixels[p * image.channels + $1]) }) / Double(colour)
        }
        let mean = total / Double(image.width * image.height)
        return (mean >= 128 ? "light" : "dark", abs(mean - 128) / 128)
    }

    static func prepare() async throws -> TemporaryDirectory {
        let project = try await AviaryProcess.initializedProject()
        let add = try await AviaryProcess.run(["function", "add", "seeds-classify", "--python",
                                               example.appendingPathComponent("functions/classify_standin.py").path], in: project.url)
        #expect(add.status == 0, "\(add.standardError)")
        let create = try await AviaryProcess.run(["workflow", "create", "seeds", example.appendingPathComponent("definition.json").path], in: project.url)
        #expect(create.standardOutput == "workflow seeds version 1\n")
        return project
    }

    static func input(_ images: [URL], threshold: Double, webhook: String? = nil) -> String {
        let list = images.map { "\"\($0.path)\"" }.joined(separator: ",")
        return "{\"images\": [\(list)], \"threshold\": \(threshold)\(webhook.map { ", \"webhook\": \"\($0)\"" } ?? "")}"
    }

    @Test func classifiesManyImagesAndKeepsOnlyConfidentResults() async throws {
        let project = try await Self.prepare()
        var images = try FileManager.default.contentsOfDirectory(atPath: Self.example.appendingPathComponent("images").path)
            .sorted().map { Self.example.appendingPathComponent("images/\($0)") }
        for seed in 0..<8 { images.append(try project.write("generated-\(seed).png", try SampleImages.png(seed: seed * 37, width: 24, height: 16))) }
        #expect(images.count == 12)
        let threshold = 0.5
        let start = try await AviaryProcess.run(["workflow", "start", "seeds", "--name", "batch", "--json",
                                                 "--input", Self.input(images, threshold: threshold)], in: project.url)
        #expect(start.status == 0, "\(start.standardError)")
        let described = try #require(try JSONSerialization.jsonObject(with: Data(start.standardOutput.utf8)) as? [String: Any])
        #expect(described["status"] as? String == "SUCCEEDED")
        let output = try #require(try JSONSerialization.jsonObject(with: Data((described["output"] as? String ?? "").utf8)) as? [String: Any])
        let kept = try #require(output["kept"] as? [[String: Any]])
        let dropped = try #require(output["dropped"] as? [[String: Any]])
        #expect(kept.count + dropped.count == 12)

        let opened = try Project.open(ProjectLayout(root: project.url), environment: [:])
        for result in kept + dropped {
            let file = URL(fileURLWithPath: try #require(result["path"] as? String))
            let expected = try Self.expectedPrediction(file)
            let confidence = try #require(result["confidence"] as? Double)
            #expect(result["label"] as? String == expected.label, "\(file.lastPathComponent)")
            #expect(abs(confidence - expected.confidence) <= 0.00005 + 1e-9, "\(file.lastPathComponent): \(confidence) vs \(expected.confidence)")
            #expect((result["kept"] as? Bool) == (confidence >= threshold))
            // Passed by reference: the blob holds the file's exact bytes.
            let blob = try BlobID(parsing: try #require(result["blob"] as? String))
            #expect(try opened.blobs.data(blob) == (try Data(contentsOf: file)))
        }
        #expect(Set(kept.compactMap { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } })
            .isSuperset(of: ["light-tray-1.png", "dark-tray-1.png"]))
        #expect(Set(dropped.compactMap { ($0["path"] as? String).map { URL(fileURLWithPath: $0).lastPathComponent } })
            .isSuperset(of: ["light-tray-2.png", "dark-tray-2.png"]))
        let history = try await WorkflowCatalog(metadata: opened.metadata).historyEntries("batch").map(\.type)
        #expect(history.filter { $0 == "MapIterationSucceeded" }.count == 12)
        #expect(history.last == "ExecutionSucceeded")
    }

    @Test func aBrokenImageFailsTheExecutionAndNotifiesTheWebhook() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let project = try await Self.prepare()
        let images = [Self.example.appendingPathComponent("images/light-tray-1.png"),
                      PackagePaths.root.appendingPathComponent("Tests/AviaryVisionTests/Fixtures/broken-truncated.png")]
        let start = try await AviaryProcess.run(["workflow", "start", "seeds", "--name", "broken", "--json",
                                                 "--input", Self.input(images, threshold: 0.5, webhook: "\(server.url)/hooks/seeds")], in: project.url)
        #expect(start.status == 1)
        let described = try #require(try JSONSerialization.jsonObject(with: Data(start.standardOutput.utf8)) as? [String: Any])
        #expect(described["status"] as? String == "FAILED")
        #expect(described["error"] as? String == "ValueError")
        #expect(described["cause"] as? String == "truncated PNG chunk b'IDAT'")

        let requests = try await server.waitForRequests(1)
        #expect(requests.count == 1)
        #expect(requests.first?.path == "/hooks/seeds")
        let body = try #require(try JSONSerialization.jsonObject(with: requests.first?.body ?? Data()) as? [String: String])
        #expect(body == ["workflow": "seeds", "execution": "broken", "error": "ValueError", "cause": "truncated PNG chunk b'IDAT'"])

        let opened = try Project.open(ProjectLayout(root: project.url), environment: [:])
        let log = try await opened.metadata.events(after: 0, limit: 100).filter { $0.subject == "workflow.execution/broken" }.map(\.type)
        #expect(log == ["workflow.execution.started", "workflow.execution.failed"])
    }
}
