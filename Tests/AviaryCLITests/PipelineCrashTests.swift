import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// A run whose `aviary pipeline run` process is killed with SIGKILL mid-step resumes from the last
/// finished step: finished steps are not run again, the interrupted one is.
@Suite(.serialized) struct PipelineCrashTests {
    static let pipeline = """
        steps:
          first: {kind: script, command: "echo first >> ran; echo '{\\"n\\": 1}' > $AVIARY_OUTPUT_DIR/metrics.json"}
          slow:
            kind: script
            command: "echo slow >> ran; if [ -e started ]; then echo '{\\"n\\": 2}' > $AVIARY_OUTPUT_DIR/metrics.json; else echo $$ > slow.pid; touch started; exec sleep 60; fi"
            channels: {}
            depends_on: [first]
          last: {kind: script, command: "echo last >> ran", depends_on: [slow]}
        """

    @Test func aRunKilledMidStepResumesFromTheLastFinishedStep() async throws {
        let directory = try await AviaryProcess.initializedProject()
        _ = try directory.write("p.yaml", Data(Self.pipeline.utf8))
        let process = AviaryProcess.configured(["pipeline", "run", "p.yaml", "--name", "crash"], in: directory.url)
        process.standardOutput = Pipe()
        process.standardError = Pipe()
        try process.run()
        let marker = directory.file("started")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(FileManager.default.fileExists(atPath: marker.path), "the slow step never started")
        kill(process.processIdentifier, SIGKILL)
        try await AviaryProcess.offThePool { process.waitUntilExit() }
        #expect(process.terminationReason == .uncaughtSignal)
        // The step's command runs in its own process group, which outlives the killed runner: end it.
        if let pid = Int32((try? String(contentsOf: directory.file("slow.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)
        }

        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let store = PipelineStore(metadata: project.metadata)
        let interrupted = try await store.run("crash")
        #expect(interrupted.status == .running)
        #expect(try await store.steps(of: interrupted).map(\.status) == [.succeeded, .running])

        let resumed = try await AviaryProcess.run(["pipeline", "resume", "crash", "--json"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let run = try await store.run("crash")
        #expect(run.status == .succeeded)
        #expect(run.resumes == 1)
        let steps = try await store.steps(of: run)
        #expect(steps.map(\.status) == [.succeeded, .succeeded, .succeeded])
        #expect(steps.map(\.attempts) == [1, 2, 1])  // the interrupted attempt counts
        #expect(steps[1].outputs["n"] == .int(2))
        #expect(try String(contentsOf: directory.file("ran"), encoding: .utf8) == "first\nslow\nslow\nlast\n")
        let log = try await project.metadata.events(after: 0, limit: 1000).filter { $0.subject == "pipeline.run/crash" }.map(\.type)
        #expect(log == ["pipeline.run.started", "pipeline.run.resumed", "pipeline.run.succeeded"])

        let again = try await AviaryProcess.run(["pipeline", "resume", "crash"], in: directory.url)
        #expect(again.status == 65)
        #expect(again.standardError == "error: pipeline run 'crash' is succeeded; only a run that was interrupted (running, its process gone) can be resumed\n")
    }
}
