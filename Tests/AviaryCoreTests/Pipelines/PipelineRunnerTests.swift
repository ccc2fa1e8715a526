import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// Dependency order, parallel branches, retries with backoff, timeouts that kill the process group,
/// conditions that skip a branch, and the typed failure of the engine-bound kinds.
@Suite struct PipelineRunnerTests {
    /// a, then b and c, then d; every step appends to `trace`. With `meet`, b and c each wait (up to
    /// 30 s) for the other to have started and fail otherwise: they succeed only if they overlap.
    static func diamond(trace: URL, maxParallel: Int, meet: Bool) -> String {
        let folder = trace.deletingLastPathComponent().path
        func step(_ name: String, _ after: String, other: String? = nil) -> String {
            var body = "echo \(name) start >> \(trace.path); "
            if meet, let other {
                body += "touch \(folder)/\(name).up; i=0; while [ ! -e \(folder)/\(other).up ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i+1)); done; "
                    + "[ -e \(folder)/\(other).up ]; "
            } else {
                body += "sleep 0.2; "
            }
            return "  \(name): {kind: script, cache: false, \(after)command: \"\(body)echo \(name) end >> \(trace.path)\"}\n"
        }
        return "max_parallel: \(maxParallel)\nsteps:\n" + step("a", "") + step("b", "depends_on: [a], ", other: "c")
            + step("c", "depends_on: [a], ", other: "b") + step("d", "depends_on: [b, c], ")
    }

    @Test func independentStepsRunTogetherAfterTheirDependency() async throws {
        let fixture = try PipelineFixture()
        let trace = fixture.directory.file("trace")
        let run = try await fixture.run(Self.diamond(trace: trace, maxParallel: 4, meet: true), id: "diamond")
        #expect(run.status == .succeeded, "b and c did not run at the same time: \(run.message ?? "")")
        let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines.count == 8)
        #expect(Array(lines[0..<2]) == ["a start", "a end"])
        #expect(Set(lines[2..<6]) == ["b start", "c start", "b end", "c end"])
        #expect(Array(lines[6..<8]) == ["d start", "d end"])
        let steps = try await fixture.steps(run)
        #expect(steps.values.map(\.status).allSatisfy { $0 == .succeeded })
        #expect(try await fixture.events("pipeline.run/") == ["pipeline.run.started", "pipeline.run.succeeded"])
        #expect(try await fixture.events("pipeline.step/diamond/d") == ["pipeline.step.started", "pipeline.step.succeeded"])
    }

    @Test func maxParallelOneRunsTheBranchesOneAfterTheOther() async throws {
        let fixture = try PipelineFixture()
        let trace = fixture.directory.file("trace")
        _ = try await fixture.run(Self.diamond(trace: trace, maxParallel: 1, meet: false), id: "serial")
        let lines = try String(contentsOf: trace, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(lines == ["a start", "a end", "b start", "b end", "c start", "c end", "d start", "d end"])
    }

    @Test func failedAttemptsAreRetriedWithBackoffForTheirErrorClass() async throws {
        let fixture = try PipelineFixture()
        let counter = fixture.directory.file("count")
        let text = """
            steps:
              flaky:
                kind: script
                command: "n=$(cat \(counter.path) 2>/dev/null || echo 0); n=$((n+1)); echo $n > \(counter.path); echo attempt $n; [ $n -ge 3 ]"
                retry: [{on: [exit_code], max_attempts: 2, interval: 0.5s, backoff_rate: 3}]
            """
        let run = try await fixture.run(text, id: "flaky")
        #expect(run.status == .succeeded)
        let step = try #require(try await fixture.steps(run)["flaky"])
        #expect(step.attempts == 3)
        #expect(fixture.delays.all == [0.5, 1.5])
        #expect(try await fixture.events("pipeline.step/flaky/") == [
            "pipeline.step.started", "pipeline.step.retrying", "pipeline.step.retrying", "pipeline.step.succeeded",
        ])
        let log = String(decoding: try fixture.project.blobs.data(try #require(step.log)), as: UTF8.self)
        #expect(log.hasSuffix("attempt 3\n"))
    }

    @Test func retriesStopWhenTheRuleIsSpentAndOtherClassesAreNotRetried() async throws {
        let fixture = try PipelineFixture()
        let text = """
            steps:
              broken:
                kind: script
                command: "echo nope; exit 3"
                retry: [{on: [timeout], max_attempts: 5}]
            """
        let run = try await fixture.run(text, id: "broken")
        #expect(run.status == .failed)
        let step = try #require(try await fixture.steps(run)["broken"])
        #expect(step.attempts == 1)
        #expect(step.errorClass == .exitCode)
        #expect(step.error == "the command exited with status 3; the end of its log:\n$ /bin/sh -c echo nope; exit 3\nnope")
        #expect(run.message == "step broken failed: the command exited with status 3; the end of its log:\n$ /bin/sh -c echo nope; exit 3\nnope")
    }

    @Test(.ownThread) func aTimeoutKillsTheWholeProcessGroupAndCanBeRetried() async throws {
        let fixture = try PipelineFixture()
        let pids = fixture.directory.file("pids")
        let text = """
            steps:
              slow:
                kind: script
                command: "sleep 300 & echo $! >> \(pids.path); wait"
                timeout: 1s
                retry: {on: [timeout], max_attempts: 1, interval: 0}
              after: {kind: script, command: "true", depends_on: [slow]}
            """
        let began = Date()
        let run = try await fixture.run(text, id: "slow")
        #expect(Date().timeIntervalSince(began) < 120, "two attempts of a 300 s sleep were not cut short")
        #expect(run.status == .failed)
        let steps = try await fixture.steps(run)
        let slow = try #require(steps["slow"])
        #expect(slow.attempts == 2)
        #expect(slow.errorClass == .timeout)
        #expect(slow.error == "ran past its timeout of 1s and was stopped")
        #expect(steps["after"] == nil)
        // The grandchild `sleep 300` of each attempt died with its group.
        let sleepers = try String(contentsOf: pids, encoding: .utf8).split(separator: "\n").compactMap { Int32($0) }
        #expect(sleepers.count == 2)
        try await Task.sleep(for: .milliseconds(100))
        for pid in sleepers { #expect(Self.isDead(pid), "sleep \(pid) still runs") }
    }

    /// Gone, or a zombie waiting for a reaper (a container's init may never reap orphans).
    static func isDead(_ pid: Int32) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8) else { return true }
        return stat.split(separator: ")").last?.split(separator: " ").first == "Z"
    }

    @Test func aFalseConditionSkipsItsThenBranchAndSaysWhy() async throws {
        let fixture = try PipelineFixture()
        let text = """
            parameters:
              threshold: {type: float, default: 0.9}
            steps:
              score: {kind: script, command: "echo '{\\"accuracy\\": 0.75}' > $AVIARY_OUTPUT_DIR/metrics.json"}
              check:
                kind: condition
                if: steps.score.outputs.accuracy >= params.threshold
                then: [publish]
              publish: {kind: script, command: "true"}
              after_publish: {kind: script, command: "true", depends_on: [publish]}
            """
        let run = try await fixture.run(text, id: "gate")
        #expect(run.status == .succeeded)
        let steps = try await fixture.steps(run)
        #expect(steps["score"]?.outputs["accuracy"] == .double(0.75))
        #expect(steps["check"]?.outputs["result"] == .bool(false))
        #expect(steps["publish"]?.status == .skipped)
        #expect(steps["publish"]?.message == "condition check was false, and this step is in its then branch")
        #expect(steps["after_publish"]?.status == .skipped)
        #expect(steps["after_publish"]?.message == "it depends on publish, which was skipped")
        #expect(run.message == "condition check was false (steps.score.outputs.accuracy (0.75) >= params.threshold (0.9) is false); skipped publish")

        let lowered = try await fixture.run(text, id: "gate2", parameters: ["threshold": "0.5"])
        #expect(try await fixture.steps(lowered)["publish"]?.status == .succeeded)
        #expect(lowered.message == nil)
    }

    @Test func aKindWithoutAnExecutorFailsWithATypedUnsupportedError() async throws {
        let fixture = try PipelineFixture()
        let (definition, file) = try fixture.definition("steps:\n  predict: {kind: transform, model: m, dataset: x}\n")
        var runner = fixture.runner()
        runner.executors[.transform] = UnsupportedStep()
        let run = try await runner.run(try await runner.start(definition, file: file.path, parameters: [:], name: "engine"))
        #expect(run.status == .failed)
        let step = try #require(try await fixture.steps(run)["predict"])
        #expect(step.errorClass == .unsupported)
        #expect(step.error == StepFailure.unsupported(step: "predict", kind: .transform).message)
        #expect(step.error?.hasPrefix("step 'predict' is a transform step, which cannot run yet") == true)
    }

    @Test func parametersAreTypedAndChecked() throws {
        let fixture = try PipelineFixture()
        let (definition, _) = try fixture.definition("parameters:\n  n: {type: int}\n  rate: 0.5\nsteps:\n  a: {kind: fail, message: x}\n")
        #expect(try PipelineRunner.parameters(definition, given: ["n": "3"]) == ["n": .int(3), "rate": .double(0.5)])
        #expect(throws: PipelineError.missingParameter(name: "n")) { try PipelineRunner.parameters(definition, given: [:]) }
        #expect(throws: PipelineError.invalidParameter(name: "n", value: "three", expected: .int)) {
            try PipelineRunner.parameters(definition, given: ["n": "three"])
        }
        #expect(throws: PipelineError.unknownParameter(name: "m", declared: ["n", "rate"])) {
            try PipelineRunner.parameters(definition, given: ["n": "1", "m": "2"])
        }
    }

    @Test func stepAndRunStateMachinesRejectIllegalTransitions() throws {
        #expect(try PipelineStepStatus.transition(step: "s", from: .pending, to: .running) == .running)
        #expect(throws: PipelineError.illegalStepTransition(step: "s", from: .succeeded, to: .running)) {
            try PipelineStepStatus.transition(step: "s", from: .succeeded, to: .running)
        }
        #expect(throws: PipelineError.illegalStepTransition(step: "s", from: .pending, to: .succeeded)) {
            try PipelineStepStatus.transition(step: "s", from: .pending, to: .succeeded)
        }
        #expect(throws: PipelineError.illegalRunTransition(from: .failed, to: .succeeded)) {
            try PipelineRunStatus.transition(from: .failed, to: .succeeded)
        }
    }
}
