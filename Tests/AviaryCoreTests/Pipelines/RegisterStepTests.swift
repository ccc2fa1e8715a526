import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// The register step against the real registry: lineage, approval, no second version for one run, and
/// a false condition's `else` branch failing the run with its message.
@Suite struct RegisterStepTests {
    static let pipeline = """
        parameters:
          threshold: 0.5
        steps:
          train: {kind: script, command: "echo w > $AVIARY_MODEL_DIR/w; echo '{\\"accuracy\\": 0.75, \\"note\\": \\"x\\"}' > $AVIARY_OUTPUT_DIR/metrics.json"}
          check: {kind: condition, if: "steps.train.outputs.accuracy >= params.threshold", then: [publish], else: [too_weak]}
          publish:
            kind: register
            description: the candidate
            group: birds
            model: ${steps.train.outputs.model}
            metrics: ${steps.train.outputs}
            approve: true
            cache: false
          too_weak: {kind: fail, message: "accuracy ${steps.train.outputs.accuracy} is below ${params.threshold}"}
        """

    @Test func registersAnApprovedVersionWithTheRunInItsLineageOnlyOnce() async throws {
        let fixture = try PipelineFixture()
        let run = try await fixture.run(Self.pipeline, id: "reg")
        #expect(run.status == .succeeded)
        let steps = try await fixture.steps(run)
        #expect(steps["too_weak"]?.status == .skipped)
        #expect(steps["publish"]?.outputs["version"] == .string("birds/1"))
        let registry = ModelRegistry(metadata: fixture.project.metadata)
        let version = try await registry.version("birds", 1)
        #expect(version.status == .approved)
        #expect(version.lineage.pipelineRun == "reg")
        #expect(version.lineage.parameters == ["threshold": "0.5"])
        #expect(version.metrics == ["accuracy": 0.75])
        #expect(version.description == "the candidate")
        #expect(version.artifact?.description == steps["train"]?.outputs["model"]?.stringValue)
        #expect(version.history.map(\.reason) == ["registered by step 'publish' of pipeline run reg"])

        // The same run registering again (a resume after a crash between the registry write and the
        // step record) gets the version it already made.
        let (definition, file) = try fixture.definition(Self.pipeline)
        let context = StepContext(run: run, step: try #require(definition.step("publish")), inputs: try #require(steps["publish"]).inputs,
                                  outputs: [:], project: fixture.project, workFolder: fixture.directory.url,
                                  logFile: fixture.directory.file("log"), baseFolder: file.deletingLastPathComponent(), attempt: 2)
        let again = try await RegisterStep().run(context)
        #expect(again.outputs["version"] == .string("birds/1"))
        #expect(try await registry.versions(of: "birds").count == 1)
        let events = try await fixture.project.metadata.events(after: 0, limit: 1000).map(\.type).filter { $0.hasPrefix("model.") }
        #expect(events == ["model.registered"])
    }

    @Test func aFalseConditionsElseBranchFailsTheRunWithItsMessage() async throws {
        let fixture = try PipelineFixture()
        let run = try await fixture.run(Self.pipeline, id: "weak", parameters: ["threshold": "0.9"])
        #expect(run.status == .failed)
        #expect(run.message == "step too_weak failed: accuracy 0.75 is below 0.9")
        let steps = try await fixture.steps(run)
        #expect(steps["publish"]?.status == .skipped)
        #expect(steps["too_weak"]?.errorClass == .failed)
        #expect(try await ModelRegistry(metadata: fixture.project.metadata).groups().isEmpty)
    }

    @Test func resumeRefusesARunWhoseProcessIsAlive() async throws {
        let fixture = try PipelineFixture()
        let (definition, file) = try fixture.definition("steps:\n  a: {kind: script, command: \"true\"}\n")
        var run = try await fixture.runner().start(definition, file: file.path, parameters: [:], name: "alive")
        // A live process on this host that is not this one: the test runner's parent.
        let host = ProcessInfo.processInfo.hostName
        run.runner = try JSONDecoder().decode(WorkflowRunnerIdentity.self, from: Data(#"{"host": "\#(host)", "pid": \#(getppid())}"#.utf8))
        try await fixture.store.save(run, event: "pipeline.run.started")
        await #expect(throws: PipelineError.runnerAlive(run: "alive", pid: getppid(), host: ProcessInfo.processInfo.hostName)) {
            try await fixture.runner().resume("alive")
        }
    }
}
