import AviaryJSON
import AviaryNN
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

@testable import AviaryCore

/// `aviary.classify` against a real endpoint on loopback that speaks the SageMaker contract.
@Suite struct ClassifyFunctionTests {
    /// Stores a real PNG and answers its blob id and bytes.
    private func storedImage(_ fixture: WorkflowFixture) throws -> (String, Data) {
        let png = try SampleImages.png(seed: 5, width: 16, height: 12)
        return (try fixture.project.blobs.put(png).id.description, png)
    }

    private func classifyDefinition(_ parameters: String, extra: String = "") -> String {
        #"{"StartAt": "Classify", "States": {"Classify": {"Type": "Task", "Resource": "aviary.classify", "Parameters": \#(parameters)\#(extra), "End": true}}}"#
    }

    @Test func theImageGoesToInvocationsAndProbabilitiesComeBackRanked() async throws {
        let fixture = try WorkflowFixture()
        let (blob, png) = try storedImage(fixture)
        let server = try LoopbackHTTPServer(body: Data("[0.1, 0.7, 0.2]".utf8))
        defer { server.stop() }
        let definition = classifyDefinition(#"{"image.$": "$.blob", "endpoint": "\#(server.url)", "labels": ["robin", "wren", "finch"], "topK": 2}"#)
        let finished = try await fixture.execute("classify", definition, input: #"{"blob": "\#(blob)"}"#)
        #expect(finished.status == .succeeded)
        #expect(finished.output == #"{"label":"wren","confidence":0.7,"classIndex":1,"top":[{"label":"wren","confidence":0.7},{"label":"finch","confidence":0.2}]}"#)
        let request = try #require(try await server.waitForRequests(1).first)
        #expect(request.method == "POST")
        #expect(request.path == "/invocations")
        #expect(request.headers["content-type"] == "image/png")
        #expect(request.headers["accept"] == "application/json")
        #expect(request.body == png)
    }

    @Test func anEndpointThatIsBusyIsRetriedOnEndpointFailed() async throws {
        let fixture = try WorkflowFixture()
        let (blob, _) = try storedImage(fixture)
        let server = try LoopbackHTTPServer(first: [503], body: Data(#"{"label": "wren", "confidence": 0.93}"#.utf8))
        defer { server.stop() }
        let definition = classifyDefinition(#"{"image": "\#(blob)", "endpoint": "\#(server.url)/invocations"}"#,
                                            extra: #", "Retry": [{"ErrorEquals": ["Aviary.EndpointFailed"], "IntervalSeconds": 0, "MaxAttempts": 2}]"#)
        let finished = try await fixture.execute("busy", definition)
        #expect(finished.status == .succeeded)
        #expect(finished.output == #"{"label":"wren","confidence":0.93,"top":[{"label":"wren","confidence":0.93}]}"#)
        #expect(server.requests.map(\.path) == ["/invocations", "/invocations"])
    }

    @Test func anAnswerWithoutAPredictionFailsWithInvalidPrediction() async throws {
        let fixture = try WorkflowFixture()
        let (blob, _) = try storedImage(fixture)
        let server = try LoopbackHTTPServer(body: Data(#"{"status": "ok"}"#.utf8))
        defer { server.stop() }
        let finished = try await fixture.execute("odd", classifyDefinition(#"{"image": "\#(blob)", "endpoint": "\#(server.url)"}"#))
        #expect(finished.status == .failed)
        #expect(finished.error == "Aviary.InvalidPrediction")
        #expect(finished.cause == "aviary.classify: \(server.url)/invocations: the endpoint's answer holds no probabilities: expected an array of numbers, "
            + #"{"probabilities": […]}, {"predictions": [[…]]} or {"label": …, "confidence": …}"#)
    }

    @Test func badEventsAreRefusedBeforeAnythingIsSent() async throws {
        let fixture = try WorkflowFixture()
        let text = try fixture.project.blobs.put(Data("not an image".utf8)).id.description
        let cases: [(String, String)] = [
            (#"{"image": "\#(text)", "endpoint": "http://127.0.0.1:9"}"#, "aviary.classify: blob \(text) is not a JPEG or PNG image"),
            (#"{"image": "\#(text)", "endpoint": "ftp://models"}"#, #"aviary.classify: "endpoint" must be an http(s) URL, not ftp://models"#),
            (#"{"image": "\#(text)"}"#, #"aviary.classify needs {"image": "sha256:…"} and a "model" (an artifact id or GROUP/NUMBER) or an "endpoint" (a URL that serves POST /invocations)"#),
            (#"{"endpoint": "http://127.0.0.1:9"}"#, #"aviary.classify needs the image's blob id as "image" (what aviary.blob.write returns)"#),
        ]
        for (index, (parameters, cause)) in cases.enumerated() {
            let finished = try await fixture.execute("bad\(index)", classifyDefinition(parameters), execution: "bad\(index)")
            #expect(finished.error == "Aviary.InvalidEvent")
            #expect(finished.cause == cause)
        }
    }

    @Test func aRegisteredModelClassifiesInProcessAsPredictDoes() async throws {
        let fixture = try WorkflowFixture()
        let (blob, _) = try storedImage(fixture)
        let model = try SmallCNN(classes: 3, seed: 11)
        let saved = try ClassifierArtifacts.save(model, architecture: "small-cnn", classes: ["robin", "wren", "finch"],
                                                 preprocessing: PreprocessingSpec(resize: .stretch, resizeTo: 16, inputSize: 16, filter: .bilinear),
                                                 metrics: [:], lineage: .init(), blobs: fixture.project.blobs)
        var registration = ModelRegistry.Registration(group: "birds", by: "test")
        registration.artifact = saved.id
        _ = try await ModelRegistry(metadata: fixture.project.metadata).register(registration)

        let finished = try await fixture.execute("local", classifyDefinition(#"{"image": "\#(blob)", "model": "birds/1", "topK": 3}"#))
        #expect(finished.status == .succeeded, "\(finished.cause ?? "")")
        let output = AviaryJSON.JSONValue.parse(try #require(finished.output))
        let predictor = try ClassifierPredictor(artifact: saved.artifact, blobs: fixture.project.blobs)
        let direct = try #require(try predictor.probabilities(DatasetImageSource(blobs: fixture.project.blobs, images: [BlobID(parsing: blob)], labels: [0])).probabilities[0])
        let best = direct.indices.max { direct[$0] < direct[$1] }!
        #expect(output["label"]?.stringValue == ["robin", "wren", "finch"][best])
        #expect(abs((output["confidence"]?.doubleValue ?? 0) - direct[best]) < 1e-12)
        #expect(output["top"]?.arrayValue?.count == 3)

        let missing = try await fixture.execute("gone", classifyDefinition(#"{"image": "\#(blob)", "model": "birds/9"}"#), execution: "gone")
        #expect(missing.error == "Aviary.ModelNotFound")
    }

    @Test func endpointAnswersInTheShapesServersUse() throws {
        let batch = try EndpointPrediction.ranked(from: Data(#"{"predictions": [[0.25, 0.5, 0.25]]}"#.utf8), labels: nil)
        #expect(batch == [RankedClass(label: "1", index: 1, confidence: 0.5), RankedClass(label: "0", index: 0, confidence: 0.25),
                          RankedClass(label: "2", index: 2, confidence: 0.25)])
        let named = try EndpointPrediction.ranked(from: Data(#"{"probabilities": [0.4, 0.6], "classes": ["cat", "dog"]}"#.utf8), labels: nil)
        #expect(named.map(\.label) == ["dog", "cat"])
        #expect(throws: EndpointPrediction.Unreadable(description: "the endpoint answered 2 probabilities but there are 3 labels")) {
            try EndpointPrediction.ranked(from: Data("[0.4, 0.6]".utf8), labels: ["a", "b", "c"])
        }
        #expect(throws: EndpointPrediction.Unreadable(description: "the endpoint's probabilities are not all numbers")) {
            try EndpointPrediction.ranked(from: Data(#"[0.4, "x"]"#.utf8), labels: nil)
        }
    }
}
