import AviaryCore
import AviarySpawn
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

    /// Starts `aviary pipeline run p.yaml --name crash` and waits until its slow step hangs.
    static func hungRun() async throws -> (TemporaryDirectory, RunningChild) {
        let directory = try await AviaryProcess.initializedProject()
        _ = try directory.write("p.yaml", Data(Self.pipeline.utf8))
        let process = try AviaryProcess.start(["pipeline", "run", "p.yaml", "--name", "crash"], in: directory.url)
        let marker = directory.file("started")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(FileManager.default.fileExists(atPath: marker.path), "the slow step never started")
        return (directory, process)
    }

    /// SIGKILL for the runner, then for the step's command, whose own process group outlives it.
    static func kill(_ process: RunningChild, in directory: TemporaryDirectory) async throws {
        process.signal(SIGKILL)
        #expect(try await process.waitForTermination() == .uncaughtSignal(SIGKILL))
        if let pid = Int32((try? String(contentsOf: directory.file("slow.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            Glibc.kill(pid, SIGKILL)
        }
    }

    @Test(.ownThread) func twoProcessesResumingTheSameRunDoNotBothRunIt() async throws {
        let (directory, process) = try await Self.hungRun()
        try await Self.kill(process, in: directory)
        async let first = AviaryProcess.run(["pipeline", "resume", "crash"], in: directory.url)
        async let second = AviaryProcess.run(["pipeline", "resume", "crash"], in: directory.url)
        let results = try await [first, second]
        let statuses = results.map(\.status).sorted()
        #expect(statuses == [0, 65] || statuses == [0, 75], "\(results.map(\.standardError))")
        let loser = try #require(results.first { $0.status != 0 })
        #expect(loser.standardError.contains("pipeline run 'crash' is"), "\(loser.standardError)")
        #expect(try String(contentsOf: directory.file("ran"), encoding: .utf8) == "first\nslow\nslow\nlast\n")
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let log = try await project.metadata.events(after: 0, limit: 1000).filter { $0.subject == "pipeline.run/crash" }.map(\.type)
        #expect(log == ["pipeline.run.started", "pipeline.run.resumed", "pipeline.run.succeeded"])
    }

    @Test(.ownThread) func ctrlCStopsTheRunningStepsWithTheRunnerAndLeavesTheRunResumable() async throws {
        let (directory, process) = try await Self.hungRun()
        process.signal(SIGINT)
        #expect(try await process.waitForTermination() == .exit(130))
        let pid = try #require(Int32(try String(contentsOf: directory.file("slow.pid"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)))
        // Gone, or a zombie left for a reaper: a container's init may never reap orphans. The runner's
        // SIGKILL may take effect a moment after the runner itself has exited on a loaded machine.
        #expect(try await ProcessGroupProbe.noneAlive(in: pid), "the step's command outlived Ctrl-C")
        let resumed = try await AviaryProcess.run(["pipeline", "resume", "crash"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(try String(contentsOf: directory.file("ran"), encoding: .utf8) == "first\nslow\nslow\nlast\n")
    }

    @Test(.ownThread) func aRunKilledMidStepResumesFromTheLastFinishedStep() async throws {
        let (directory, process) = try await Self.hungRun()
        // While it runs, its log is read from its working folder and show says where the run is.
        let live = try await AviaryProcess.run(["pipeline", "logs", "crash", "slow"], in: directory.url)
        #expect(live.standardOutput.hasPrefix("$ /bin/sh -c echo slow >> ran;"))
        let shown = try await AviaryProcess.run(["pipeline", "show", "crash"], in: directory.url)
        #expect(shown.standardOutput.contains("status:     running\n"))
        #expect(shown.standardOutput.contains("slow   script  running "))
        #expect(shown.standardOutput.contains("last   script  not started"))
        try await Self.kill(process, in: directory)

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

        #expect(try await AviaryProcess.run(["pipeline", "resume", "--all"], in: directory.url).standardOutput == "no interrupted runs\n")
        let again = try await AviaryProcess.run(["pipeline", "resume", "crash"], in: directory.url)
        #expect(again.status == 65)
        #expect(again.standardError == "error: pipeline run 'crash' is succeeded; only a run that was interrupted (running, its process gone) can be resumed\n")
    }
}
