import AviaryStore
import AviaryTestSupport
import Foundation
import Testing

/// `aviary workflow …` and `aviary function …` through the real executable.
@Suite struct WorkflowCommandsTests {
    static let definition = """
        {"Comment": "double a number with a registered function", "StartAt": "Double", "States": {
          "Double": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                     "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:double", "Payload.$": "$"},
                     "ResultSelector": {"value.$": "$.Payload.value"}, "Next": "Done"},
          "Done": {"Type": "Succeed"}}}
        """

    static func json(_ text: String) throws -> [String: Any] {
        try #require(try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any])
    }

    @Test func validateReportsEveryProblemWithStateAndFieldAndExits65() async throws {
        let directory = TemporaryDirectory()
        let bad = try directory.write("bad.json", Data(#"{"StartAt": "A", "States": {"A": {"Type": "Pass", "Next": "B"}, "C": {"Type": "Wait", "End": true}}}"#.utf8))
        let text = try await AviaryProcess.run(["workflow", "validate", bad.path], in: directory.url)
        #expect(text.status == 65)
        #expect(text.standardOutput == """
            \(bad.path): States.C: a Wait state needs exactly one of Seconds, SecondsPath, Timestamp, TimestampPath
            \(bad.path): States.A.Next: state "B" does not exist
            2 problem(s)

            """)
        let json = try await AviaryProcess.run(["workflow", "validate", bad.path, "--json"], in: directory.url)
        #expect(json.status == 65)
        let report = try Self.json(json.standardOutput)
        #expect(report["valid"] as? Bool == false)
        #expect((report["problems"] as? [[String: String]])?.map { $0["location"] ?? "" } == ["States.C", "States.A.Next"])
        let good = try directory.write("good.json", Data(Self.definition.utf8))
        let valid = try await AviaryProcess.run(["workflow", "validate", good.path], in: directory.url)
        #expect(valid.status == 0)
        #expect(valid.standardOutput == "\(good.path): valid\n")
    }

    @Test func createStartDescribeHistoryAndListAnExecution() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let file = try directory.write("double.json", Data(Self.definition.utf8))
        let add = try await AviaryProcess.run(["function", "add", "double", "--command", #"python3 -c 'import json,sys; e=json.load(sys.stdin); print(json.dumps({"value": e["n"] * 2}))'"#], in: directory.url)
        #expect(add.status == 0)
        #expect(try await AviaryProcess.run(["workflow", "create", "doubler", file.path], in: directory.url).standardOutput == "workflow doubler version 1\n")

        let start = try await AviaryProcess.run(["workflow", "start", "doubler", "--input", #"{"n": 21}"#, "--name", "first", "--json"], in: directory.url)
        #expect(start.status == 0, "\(start.standardError)")
        let started = try Self.json(start.standardOutput)
        #expect(started["status"] as? String == "SUCCEEDED")
        #expect(started["output"] as? String == #"{"value":42}"#)
        #expect(started["executionArn"] as? String == "arn:aws:states:local:000000000000:execution:doubler:first")

        let describe = try await AviaryProcess.run(["workflow", "describe", "first"], in: directory.url)
        #expect(describe.standardOutput.contains("status:   SUCCEEDED\n"))
        #expect(describe.standardOutput.contains("output:   {\"value\":42}\n"))

        let history = try Self.json(try await AviaryProcess.run(["workflow", "history", "first", "--json"], in: directory.url).standardOutput)
        let events = try #require(history["events"] as? [[String: Any]])
        #expect(events.map { $0["type"] as? String ?? "" } == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "SucceedStateEntered", "SucceedStateExited", "ExecutionSucceeded",
        ])
        #expect(events.map { $0["id"] as? Int ?? 0 } == Array(1...9))
        let scheduled = try #require(events[2]["taskScheduledEventDetails"] as? [String: Any])
        #expect(scheduled["resource"] as? String == "arn:aws:states:::lambda:invoke")

        let failed = try await AviaryProcess.run(["workflow", "start", "doubler", "--input", #"{"m": 1}"#, "--name", "second"], in: directory.url)
        #expect(failed.status == 1)
        #expect(failed.standardOutput.hasPrefix("started second\n"))
        #expect(failed.standardOutput.contains("status:   FAILED\n"))
        #expect(failed.standardOutput.contains("error:    States.TaskFailed\n"))
        #expect(failed.standardOutput.contains("KeyError: 'n'"))

        let all = try await AviaryProcess.run(["workflow", "ls"], in: directory.url)
        #expect(all.standardOutput.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true).prefix(3).joined(separator: " ") }
            == ["EXECUTION STATUS WORKFLOW", "first SUCCEEDED doubler:1", "second FAILED doubler:1"])
        let onlyFailed = try await AviaryProcess.run(["workflow", "ls", "--status", "failed", "--json"], in: directory.url)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(onlyFailed.standardOutput.utf8)) as? [[String: Any]])
        #expect(rows.map { $0["name"] as? String } == ["second"])
        let missing = try await AviaryProcess.run(["workflow", "describe", "third"], in: directory.url)
        #expect(missing.status == 66)
        #expect(missing.standardError == "error: no workflow execution named 'third'; `aviary workflow ls` lists executions\n")
    }

    @Test func runPrintsStatusAndOutputWithOrWithoutAProject() async throws {
        let directory = TemporaryDirectory()
        let file = try directory.write("pass.json", Data(#"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"total.$": "States.MathAdd($.a, $.b)", "name.$": "$$.Execution.Name"}, "End": true}}}"#.utf8))
        let outside = try await AviaryProcess.run(["workflow", "run", file.path, "--input", #"{"a": 2, "b": 3}"#, "--json"], in: directory.url)
        #expect(outside.status == 0, "\(outside.standardError)")
        #expect(outside.standardOutput == #"{"status":"SUCCEEDED","output":{"total":5,"name":"run"}}"# + "\n")
        let failing = try directory.write("fail.json", Data(#"{"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "E", "Cause": "C"}}}"#.utf8))
        let failed = try await AviaryProcess.run(["workflow", "run", failing.path, "--json"], in: directory.url)
        #expect(failed.status == 1)
        #expect(failed.standardOutput == #"{"status":"FAILED","error":"E","cause":"C"}"# + "\n")

        let project = try await AviaryProcess.initializedProject()
        #expect(try await AviaryProcess.run(["function", "add", "echo", "--command", "cat"], in: project.url).status == 0)
        let task = try project.write("task.json", Data(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "echo", "End": true}}}"#.utf8))
        let inside = try await AviaryProcess.run(["workflow", "run", task.path, "--input", #"{"x": [1, 2.5]}"#], in: project.url)
        #expect(inside.standardOutput == "SUCCEEDED\n{\"x\":[1,2.5]}\n")
        let stored = try await AviaryProcess.run(["workflow", "ls", "--json"], in: project.url).standardOutput
        #expect((try JSONSerialization.jsonObject(with: Data(stored.utf8)) as? [Any])?.isEmpty == true, "run stores nothing")
    }

    /// The engine's OpenMP workers spin unless told to wait passively, and libgomp reads that once at
    /// load: `aviary` sets it and runs itself again when it is unset, and leaves an explicit choice
    /// alone, a bounded spin (`GOMP_SPINCOUNT`) included.
    @Test func openMPWorkersWaitPassivelyUnlessToldOtherwise() async throws {
        let project = try await AviaryProcess.initializedProject()
        let command = #"printf '{"policy": "%s%s"}' "$OMP_WAIT_POLICY" "$GOMP_SPINCOUNT""#
        #expect(try await AviaryProcess.run(["function", "add", "policy", "--command", command], in: project.url).status == 0)
        let task = try project.write("task.json", Data(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "policy", "End": true}}}"#.utf8))
        let unset = try await AviaryProcess.run(["workflow", "run", task.path], in: project.url)
        #expect(unset.standardOutput == "SUCCEEDED\n{\"policy\":\"passive\"}\n", "\(unset.standardError)")
        let chosen = try await AviaryProcess.run(["workflow", "run", task.path], in: project.url, environment: ["OMP_WAIT_POLICY": "active"])
        #expect(chosen.standardOutput == "SUCCEEDED\n{\"policy\":\"active\"}\n")
        let spinning = try await AviaryProcess.run(["workflow", "run", task.path], in: project.url, environment: ["GOMP_SPINCOUNT": "10000"])
        #expect(spinning.standardOutput == "SUCCEEDED\n{\"policy\":\"10000\"}\n")
    }

    @Test func functionsAreListedAndRemoved() async throws {
        let directory = try await AviaryProcess.initializedProject()
        let file = try directory.write("hello.py", Data("def lambda_handler(event, context):\n    return {'hello': event.get('name')}\n".utf8))
        #expect(try await AviaryProcess.run(["function", "add", "hello", "--python", file.path], in: directory.url).status == 0)
        let listed = try await AviaryProcess.run(["function", "ls", "--json"], in: directory.url)
        let rows = try #require(try JSONSerialization.jsonObject(with: Data(listed.standardOutput.utf8)) as? [[String: String]])
        #expect(rows.map { "\($0["name"]!) \($0["kind"]!)" } == ["aviary.blob.write builtin", "aviary.blob.read builtin", "aviary.classify builtin", "aviary.pipeline.start builtin", "aviary.notify builtin", "hello python"])
        let task = try directory.write("t.json", Data(#"{"StartAt": "T", "States": {"T": {"Type": "Task", "Resource": "hello", "End": true}}}"#.utf8))
        #expect(try await AviaryProcess.run(["workflow", "run", task.path, "--input", #"{"name": "seed"}"#, "--json"], in: directory.url).standardOutput
            == #"{"status":"SUCCEEDED","output":{"hello":"seed"}}"# + "\n")
        #expect(try await AviaryProcess.run(["function", "rm", "hello"], in: directory.url).standardOutput == "removed function hello\n")
        let gone = try await AviaryProcess.run(["workflow", "run", task.path, "--json"], in: directory.url)
        #expect(gone.standardOutput == #"{"status":"FAILED","error":"Lambda.ResourceNotFoundException","cause":"Function not found: hello. Register it with `aviary function add hello …`."}"# + "\n")
        let both = try await AviaryProcess.run(["function", "add", "x"], in: directory.url)
        #expect(both.status == 64)
    }
}
