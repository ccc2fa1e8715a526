import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import AviaryWorkflow
import Foundation
import Testing

/// Durable executions: records, history and event-log events as stored in a project.
@Suite struct WorkflowRunnerTests {
    static let chain = """
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
          "B": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, $.b)"}, "End": true}}}
        """

    @Test func aSucceededExecutionStoresItsHistoryStatusAndEvents() async throws {
        let fixture = try WorkflowFixture()
        let finished = try await fixture.execute("chain", Self.chain, input: #"{"b": 41}"#)
        #expect(finished.status == .succeeded)
        #expect(finished.output == #"{"sum":42}"#)
        #expect(try await fixture.catalog.execution("e1") == finished)
        #expect(try await fixture.historyTypes("e1") == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        let history = try await fixture.catalog.history("e1")
        #expect(history.map(\.id) == Array(1...6))
        #expect(history[0].details == .executionStarted(input: ["b": 41]))
        #expect(history[5].details == .executionSucceeded(output: ["sum": 42]))
        #expect(try await fixture.eventLog() == [
            "workflow.definition.created workflow.definition/chain",
            "workflow.execution.started workflow.execution/e1",
            "workflow.execution.succeeded workflow.execution/e1",
        ])
        let last = try #require(try await fixture.project.metadata.events(after: 0, limit: 10).last)
        #expect(AviaryJSON.JSONValue.parse(String(decoding: last.payload, as: UTF8.self))
            == ["execution": "e1", "workflow": "chain", "version": 1, "status": "SUCCEEDED"])
    }

    @Test func aFailedExecutionRecordsErrorAndCauseAndAFailedEvent() async throws {
        let fixture = try WorkflowFixture()
        let definition = #"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Seeds.Bad", "Cause": "no seeds"}}}"#
        let finished = try await fixture.execute("fails", definition)
        #expect(finished.status == .failed)
        #expect(finished.error == "Seeds.Bad")
        #expect(finished.cause == "no seeds")
        #expect(finished.output == nil)
        #expect(try await fixture.historyTypes("e1") == ["ExecutionStarted", "FailStateEntered", "ExecutionFailed"])
        #expect(try await fixture.eventLog().last == "workflow.execution.failed workflow.execution/e1")
        #expect(try await fixture.catalog.executions(status: .failed).map(\.name) == ["e1"])
        #expect(try await fixture.catalog.executions(status: .succeeded).isEmpty)
    }

    @Test func definitionsAreVersionedAndAnExecutionKeepsItsVersion() async throws {
        let fixture = try WorkflowFixture()
        let one = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 1, "End": true}}}"#
        let two = #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Result": 2, "End": true}}}"#
        #expect(try await fixture.catalog.create(name: "w", definition: one, source: "one").number == 1)
        #expect(try await fixture.catalog.create(name: "w", definition: one, source: "one").number == 1)
        let runner = try await fixture.runner()
        let started = try await runner.start(workflow: "w", input: "{}", name: "old")
        #expect(try await fixture.catalog.create(name: "w", definition: two, source: "two").number == 2)
        #expect(try await runner.run(started).output == "1")
        #expect(try await runner.run(try await runner.start(workflow: "w", input: "{}", name: "new")).output == "2")
        #expect(try await fixture.catalog.definition("w").versions.map(\.number) == [1, 2])
    }

    @Test func badInputsAndNamesAreRefusedWithTheirReason() async throws {
        let fixture = try WorkflowFixture()
        let runner = try await fixture.runner()
        await #expect(throws: WorkflowError.definitionNotFound(name: "nope")) { try await runner.start(workflow: "nope", input: "{}") }
        let invalid = #"{"StartAt": "X", "States": {"X": {"Type": "Pass", "Next": "Y"}}}"#
        let refused = await #expect(throws: WorkflowError.self) { try await fixture.catalog.create(name: "w", definition: invalid, source: "f.json") }
        #expect(refused.map { "\($0)" } == "f.json is not a valid state machine (1 problem(s)):\n  States.X.Next: state \"Y\" does not exist")
        try await fixture.catalog.create(name: "w", definition: Self.chain, source: "test")
        await #expect(throws: WorkflowError.self) { try await runner.start(workflow: "w", input: "{b:", name: "x") }
        await #expect(throws: WorkflowError.invalidName(kind: "execution", name: "../x", reason: "use 1 to 80 letters, digits, '-', '_' and '.', starting with a letter or digit")) {
            try await runner.start(workflow: "w", input: "{}", name: "../x")
        }
        _ = try await runner.start(workflow: "w", input: #"{"b": 1}"#, name: "once")
        await #expect(throws: WorkflowError.executionExists(name: "once")) { try await runner.start(workflow: "w", input: "{}", name: "once") }
    }

    @Test func historyIsGroupCommittedAndComplete() async throws {
        let fixture = try WorkflowFixture()
        let length = 2_000
        let states = (0..<length).map { i in
            "\"S\(i)\": {\"Type\": \"Pass\", \(i == length - 1 ? "\"End\": true" : "\"Next\": \"S\(i + 1)\"")}"
        }
        let finished = try await fixture.execute("long", "{\"StartAt\": \"S0\", \"States\": {\(states.joined(separator: ","))}}")
        #expect(finished.status == .succeeded)
        let entries = try await fixture.catalog.historyEntries("e1")
        #expect(entries.count == 2 * length + 2)
        #expect(entries.map(\.number) == Array(1...(2 * length + 2)))
        #expect(entries[1].type == "PassStateEntered")
        #expect(AviaryJSON.JSONValue.parse(String(decoding: entries[3].body, as: UTF8.self))["stateEnteredEventDetails"]?["name"] == "S1")
    }

    @Test func stopAbortsALiveExecutionAndRecordsExecutionAborted() async throws {
        let fixture = try WorkflowFixture()
        let definition = #"{"StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 60, "Next": "After"}, "After": {"Type": "Pass", "End": true}}}"#
        try await fixture.catalog.create(name: "slow", definition: definition, source: "test")
        let runner = try await fixture.runner()
        let started = try await runner.start(workflow: "slow", input: "{}", name: "held")
        async let finished = runner.run(started)
        while try await fixture.catalog.historyEntries("held").count < 2 { try await Task.sleep(for: .milliseconds(10)) }
        let stopped = try await runner.stop("held", error: "Operator.Stop", cause: "no longer needed")
        #expect(stopped.status == .aborted)
        #expect(try await finished == stopped)
        #expect(stopped.error == "Operator.Stop")
        #expect(try await fixture.historyTypes("held") == ["ExecutionStarted", "WaitStateEntered", "ExecutionAborted"])
        let aborted = try #require(try await fixture.catalog.historyEntries("held").last)
        #expect(AviaryJSON.JSONValue.parse(String(decoding: aborted.body, as: UTF8.self))["executionAbortedEventDetails"]
            == ["error": "Operator.Stop", "cause": "no longer needed"])
        #expect(try await fixture.eventLog().suffix(2) == [
            "workflow.execution.started workflow.execution/held", "workflow.execution.aborted workflow.execution/held",
        ])
        #expect(try await fixture.project.metadata.record(kind: WorkflowStopRequest.recordKind, id: "held") == nil)
        await #expect(throws: WorkflowError.notRunning(name: "held", status: .aborted)) { try await runner.stop("held") }
    }

    @Test func anExecutionPastItsTimeoutIsTimedOutWithItsOwnEvent() async throws {
        let fixture = try WorkflowFixture()
        let definition = #"{"TimeoutSeconds": 5, "StartAt": "Hold", "States": {"Hold": {"Type": "Wait", "Seconds": 60, "Next": "After"}, "After": {"Type": "Pass", "End": true}}}"#
        try await fixture.catalog.create(name: "late", definition: definition, source: "test")
        let runner = WorkflowRunner(catalog: fixture.catalog, invoker: NoTaskInvoker(), clock: VirtualClock())
        let finished = try await runner.run(try await runner.start(workflow: "late", input: "{}", name: "late-1"))
        #expect(finished.status == .timedOut)
        #expect(finished.error == "States.Timeout")
        #expect(try await fixture.historyTypes("late-1").last == "ExecutionTimedOut")
        #expect(try await fixture.eventLog().last == "workflow.execution.timed_out workflow.execution/late-1")
    }
}
