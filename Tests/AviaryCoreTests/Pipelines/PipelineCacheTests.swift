import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// A step's result is reused when its kind, resolved inputs (as content) and settings are unchanged,
/// and not when any of them changes, when caching is off, or when the entry has expired.
@Suite struct PipelineCacheTests {
    static func pipeline(counter: URL, cache: String = "") -> String {
        """
        \(cache)
        parameters:
          factor: {type: int, default: 2}
        steps:
          make:
            kind: script
            command: [sh, make.sh]
            params: {factor: "${params.factor}"}
          use:
            kind: script
            command: "echo used >> \(counter.path); cp -r $AVIARY_CHANNEL_MODEL $AVIARY_MODEL_DIR/copy"
            channels: {model: "${steps.make.outputs.model}"}
        """
    }

    static let script = "echo made >> count; echo $AVIARY_PARAM_FACTOR > $AVIARY_MODEL_DIR/weights; echo '{\"loss\": 0.5}' > $AVIARY_OUTPUT_DIR/metrics.json\n"

    @Test func anUnchangedRunIsAllCacheHitsAndAChangeMissesFromThatStepOn() async throws {
        let fixture = try PipelineFixture()
        _ = try fixture.directory.write("make.sh", Data(Self.script.utf8))
        let counter = fixture.directory.file("used")
        let first = try await fixture.run(Self.pipeline(counter: counter), id: "r1")
        #expect(first.status == .succeeded)
        let firstSteps = try await fixture.steps(first)
        #expect(firstSteps["make"]?.outputs["loss"] == .double(0.5))
        let model = try #require(firstSteps["make"]?.outputs["model"]?.stringValue)
        #expect(firstSteps["use"]?.inputs["channels"] == .object(JSONObject([("model", .string(model))])))

        let second = try await fixture.run(Self.pipeline(counter: counter), id: "r2")
        let secondSteps = try await fixture.steps(second)
        #expect(secondSteps["make"]?.status == .cached)
        #expect(secondSteps["use"]?.status == .cached)
        #expect(secondSteps["make"]?.cachedFrom == "r1/make")
        #expect(secondSteps["make"]?.cacheKey == firstSteps["make"]?.cacheKey)
        #expect(secondSteps["make"]?.outputs == firstSteps["make"]?.outputs)
        #expect(try await fixture.events("pipeline.step/r2/") == ["pipeline.step.cached", "pipeline.step.cached"])
        #expect(try String(contentsOf: fixture.directory.file("count"), encoding: .utf8) == "made\n")

        // Another parameter value: a new key for make; its model is the same content, so use still hits.
        let third = try await fixture.run(Self.pipeline(counter: counter), id: "r3", parameters: ["factor": "3"])
        let thirdSteps = try await fixture.steps(third)
        #expect(thirdSteps["make"]?.status == .succeeded)
        #expect(thirdSteps["make"]?.cacheKey != firstSteps["make"]?.cacheKey)
        #expect(thirdSteps["use"]?.status == .succeeded)
        #expect(try String(contentsOf: counter, encoding: .utf8) == "used\nused\n")

        // Editing the script the command names changes the key.
        _ = try fixture.directory.write("make.sh", Data((Self.script + "# edited\n").utf8))
        let fourth = try await fixture.run(Self.pipeline(counter: counter), id: "r4")
        #expect(try await fixture.steps(fourth)["make"]?.status == .succeeded)
    }

    @Test func cachingCanBeTurnedOffPerRunPerStepAndPerPipeline() async throws {
        let fixture = try PipelineFixture()
        _ = try fixture.directory.write("make.sh", Data(Self.script.utf8))
        let counter = fixture.directory.file("used")
        _ = try await fixture.run(Self.pipeline(counter: counter), id: "warm")
        let noCache = try await fixture.run(Self.pipeline(counter: counter), id: "nocache", noCache: true)
        #expect(try await fixture.steps(noCache).values.map(\.status) == [.succeeded, .succeeded])
        let off = try await fixture.run(Self.pipeline(counter: counter, cache: "cache: false"), id: "off")
        #expect(try await fixture.steps(off).values.map(\.status) == [.succeeded, .succeeded])
        let perStep = Self.pipeline(counter: counter).replacingOccurrences(of: "command: [sh, make.sh]", with: "command: [sh, make.sh]\n    cache: false")
        let stepOff = try await fixture.run(perStep, id: "stepoff")
        let steps = try await fixture.steps(stepOff)
        #expect(steps["make"]?.status == .succeeded)
        #expect(steps["use"]?.status == .cached)
    }

    @Test func entriesExpire() async throws {
        let fixture = try PipelineFixture()
        _ = try fixture.directory.write("make.sh", Data(Self.script.utf8))
        let counter = fixture.directory.file("used")
        let text = Self.pipeline(counter: counter, cache: "cache: {expire_after: 1h}")
        let start = Date()
        _ = try await fixture.run(text, id: "e1", now: start)
        let fresh = try await fixture.run(text, id: "e2", now: start.addingTimeInterval(1800))
        #expect(try await fixture.steps(fresh)["make"]?.status == .cached)
        let stale = try await fixture.run(text, id: "e3", now: start.addingTimeInterval(7200))
        #expect(try await fixture.steps(stale)["make"]?.status == .succeeded)
    }

    @Test func keysAreCanonical() {
        let a = PipelineCacheKey.key(kind: .script, content: .object(JSONObject([("b", .int(1)), ("a", .double(2))])))
        let b = PipelineCacheKey.key(kind: .script, content: .object(JSONObject([("a", .int(2)), ("b", .double(1))])))
        #expect(a == b)
        #expect(a.count == 64)
        #expect(a != PipelineCacheKey.key(kind: .split, content: .object(JSONObject([("a", .int(2)), ("b", .double(1))]))))
    }
}
