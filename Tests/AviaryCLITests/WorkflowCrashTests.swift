import AviaryCore
import AviarySpawn
import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// An execution whose process is killed with SIGKILL resumes where it stopped; a running execution
/// is stopped from another process.
@Suite(.serialized) struct WorkflowCrashTests {
    /// First call: records its pid, leaves a marker and hangs (the kill lands here). Later calls echo the event.
    static let slowFunction = #"if [ -e first-call ]; then cat; else echo $$ > slow.pid; touch first-call; exec sleep 60; fi"#

    static let definition = """
        {"StartAt": "Prepare", "States": {
          "Prepare": {"Type": "Pass", "Result": {"prepared": true}, "ResultPath": "$.prep", "Next": "Slow"},
          "Slow": {"Type": "Task", "Resource": "slow", "Parameters": {"seed.$": "$.seed"}, "ResultPath": "$.slow", "Next": "Finish"},
          "Finish": {"Type": "Pass", "Parameters": {"seed.$": "$.seed", "prepared.$": "$.prep.prepared", "echoed.$": "$.slow.seed"}, "End": true}}}
        """

    /// A project with the function `slow` and the workflow `flow` that calls it.
    static func projectWithSlowFlow() async throws -> TemporaryDirectory {
        let directory = try await AviaryProcess.initializedProject()
        #expect(try await AviaryProcess.run(["function", "add", "slow", "--command", Self.slowFunction], in: directory.url).status == 0)
        let file = try directory.write("flow.json", Data(Self.definition.utf8))
        #expect(try await AviaryProcess.run(["workflow", "create", "flow", file.path], in: directory.url).status == 0)
        return directory
    }

    @Test(.ownThread) func anExecutionKilledMidTaskResumesFromItsPersistedHistory() async throws {
        let directory = try await Self.projectWithSlowFlow()

        let process = try AviaryProcess.start(["workflow", "start", "flow", "--name", "crash", "--input", #"{"seed": 7}"#], in: directory.url)
        let marker = directory.file("first-call")
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: marker.path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        #expect(FileManager.default.fileExists(atPath: marker.path), "the Task's function never ran")
        process.signal(SIGKILL)
        #expect(try await process.waitForTermination() == .uncaughtSignal(SIGKILL))
        if let pid = Int32((try? String(contentsOf: directory.file("slow.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)
        }

        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let catalog = WorkflowCatalog(metadata: project.metadata)
        #expect(try await catalog.execution("crash").status == .running)
        // Write-ahead: everything up to the Task's call was durable before the function ran, nothing after.
        let beforeCrash = ["ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted"]
        #expect(try await catalog.historyEntries("crash").map(\.type) == beforeCrash)

        let resumed = try await AviaryProcess.run(["workflow", "resume", "crash", "--json"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        let described = try #require(try JSONSerialization.jsonObject(with: Data(resumed.standardOutput.utf8)) as? [String: Any])
        #expect(described["status"] as? String == "SUCCEEDED")
        #expect(described["output"] as? String == #"{"seed":7,"prepared":true,"echoed":7}"#)

        let entries = try await catalog.historyEntries("crash")
        #expect(entries.map(\.type) == beforeCrash + [
            "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        #expect(entries.map(\.number) == Array(1...entries.count))
        let log = try await project.metadata.events(after: 0, limit: 100).filter { $0.subject == "workflow.execution/crash" }.map(\.type)
        #expect(log == ["workflow.execution.started", "workflow.execution.succeeded"])
        #expect(try await AviaryProcess.run(["workflow", "resume", "--all"], in: directory.url).standardOutput == "no abandoned executions\n")
        let again = try await AviaryProcess.run(["workflow", "resume", "crash"], in: directory.url)
        #expect(again.status == 65)
        #expect(again.standardError == "error: execution 'crash' is SUCCEEDED, not RUNNING; only a running execution can be stopped or resumed\n")
    }

    /// A command task runs in a process group of its own, out of reach of the terminal's Ctrl-C: the
    /// interrupted `aviary` kills it on its way out, and the execution stays resumable.
    @Test(.ownThread) func ctrlCStopsTheRunningCommandWithTheExecutionAndLeavesItResumable() async throws {
        let directory = try await Self.projectWithSlowFlow()
        let process = try AviaryProcess.start(["workflow", "start", "flow", "--name", "ctrl-c", "--input", #"{"seed": 3}"#], in: directory.url)
        // The marker comes after the pid file: once it is there, a resumed call takes the quick path.
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: directory.file("first-call").path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        let function = try #require(try await ProcessGroupProbe.pid(writtenTo: directory.file("slow.pid"), within: .seconds(1)), "the Task's function never ran")
        process.signal(SIGINT)
        #expect(try await process.waitForTermination() == .exit(130))
        #expect(try await ProcessGroupProbe.noneAlive(in: function), "the Task's function outlived Ctrl-C")
        let resumed = try await AviaryProcess.run(["workflow", "resume", "ctrl-c"], in: directory.url)
        #expect(resumed.status == 0, "\(resumed.standardError)")
        #expect(resumed.standardOutput.contains("status:   SUCCEEDED\n"), "\(resumed.standardOutput)")
    }

    @Test func resumeAllPicksUpEveryAbandonedExecution() async throws {
        let directory = try await Self.projectWithSlowFlow()
        let process = try AviaryProcess.start(["workflow", "start", "flow", "--name", "orphan", "--input", #"{"seed": 1}"#], in: directory.url)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: directory.file("first-call").path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        process.signal(SIGKILL)
        _ = try await process.wait()
        if let pid = Int32((try? String(contentsOf: directory.file("slow.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)
        }
        let resumed = try await AviaryProcess.run(["workflow", "resume", "--all"], in: directory.url)
        #expect(resumed.standardOutput == "orphan SUCCEEDED\n")
    }

    @Test(.ownThread) func stopAbortsAnExecutionWhoseProcessDied() async throws {
        let directory = try await Self.projectWithSlowFlow()
        let process = try AviaryProcess.start(["workflow", "start", "flow", "--name", "dead", "--input", #"{"seed": 2}"#], in: directory.url)
        let deadline = Date().addingTimeInterval(30)
        while !FileManager.default.fileExists(atPath: directory.file("first-call").path) && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }
        process.signal(SIGKILL)
        _ = try await process.wait()
        if let pid = Int32((try? String(contentsOf: directory.file("slow.pid"), encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? "") {
            kill(pid, SIGKILL)
        }
        let stop = try await AviaryProcess.run(["workflow", "stop", "dead", "--error", "Operator.Abort"], in: directory.url)
        #expect(stop.status == 0, "\(stop.standardError)")
        #expect(stop.standardOutput.contains("status:   ABORTED\n"))
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let entries = try await WorkflowCatalog(metadata: project.metadata).historyEntries("dead")
        #expect(entries.map(\.type) == ["ExecutionStarted", "PassStateEntered", "PassStateExited", "TaskStateEntered", "TaskScheduled", "TaskStarted", "ExecutionAborted"])
        #expect(entries.map(\.number) == Array(1...7))
        let log = try await project.metadata.events(after: 0, limit: 100).filter { $0.subject == "workflow.execution/dead" }.map(\.type)
        #expect(log == ["workflow.execution.started", "workflow.execution.aborted"])
    }

    @Test(.ownThread) func stopFromAnotherProcessAbortsARunningExecution() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let file = try directory.write("hold.json", Data(#"{"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 120, "End": true}}}"#.utf8))
        #expect(try await AviaryProcess.run(["workflow", "create", "hold", file.path], in: directory.url).status == 0)
        let process = try AviaryProcess.start(["workflow", "start", "hold", "--name", "held"], in: directory.url, standardOutput: .pipe)
        let project = try Project.open(ProjectLayout(root: directory.url), environment: [:])
        let catalog = WorkflowCatalog(metadata: project.metadata)
        let deadline = Date().addingTimeInterval(30)
        while (try? await catalog.historyEntries("held").count) ?? 0 < 2 && Date() < deadline { try await Task.sleep(for: .milliseconds(20)) }

        let stop = try await AviaryProcess.run(["workflow", "stop", "held", "--cause", "operator", "--json"], in: directory.url)
        #expect(stop.status == 0, "\(stop.standardError)")
        let stopped = try #require(try JSONSerialization.jsonObject(with: Data(stop.standardOutput.utf8)) as? [String: Any])
        #expect(stopped["status"] as? String == "ABORTED")
        #expect(stopped["cause"] as? String == "operator")
        let output = try await process.communicate()
        let printed = String(decoding: output.standardOutput, as: UTF8.self)
        #expect(output.status == 1)
        #expect(printed.contains("status:   ABORTED\n"))
        #expect(try await catalog.historyEntries("held").map(\.type) == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"])
    }
}
