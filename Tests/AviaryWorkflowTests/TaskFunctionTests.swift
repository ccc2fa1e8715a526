import Foundation
import Synchronization
import Testing
import AviaryWorkflow
import AviaryJSON

@Suite("Task states and user functions")
struct TaskFunctionTests {
    @Test("a shell command reads the event on stdin and answers JSON on stdout")
    func shellCommand() async throws {
        let registry = FunctionRegistry()
        registry.register("echo", CommandFunction.shell("cat"))
        let definition = """
            {"StartAt": "Echo", "States": {"Echo": {"Type": "Task", "Resource": "echo", "ResultPath": "$.echoed", "End": true}}}
            """
        let (result, events) = try await execute(definition, input: ["n": 21], invoker: registry)
        #expect(result.output?.serialized() == #"{"n":21,"echoed":{"n":21}}"#)
        #expect(events.map(\.type) == [
            "ExecutionStarted", "TaskStateEntered", "TaskScheduled", "TaskStarted", "TaskSucceeded", "TaskStateExited",
            "ExecutionSucceeded",
        ])
    }

    @Test("many commands at once, each writing more than a pipe holds, all return their whole output")
    func concurrentLargeOutputs() async throws {
        let registry = FunctionRegistry()
        // A JSON string of 200,000 letters: three times a pipe's 64 KiB buffer, under the 256 KiB payload limit.
        registry.register("big", CommandFunction.shell(#"printf '"'; head -c 200000 /dev/zero | tr '\0' a; printf '"'"#))
        let definition = """
            {"StartAt": "Big", "States": {"Big": {"Type": "Task", "Resource": "big", "End": true}}}
            """
        let lengths = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 {
                group.addTask { try await execute(definition, invoker: registry).result.output?.serialized().count ?? -1 }
            }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(lengths == Array(repeating: 200_002, count: 12))
    }

    @Test("a failing command becomes States.TaskFailed, which Catch handles")
    func commandFailure() async throws {
        let registry = FunctionRegistry()
        registry.register("broken", CommandFunction.shell("echo boom >&2; exit 3"))
        let definition = """
            {"StartAt": "Call", "States": {
              "Call": {"Type": "Task", "Resource": "broken", "Catch": [{"ErrorEquals": ["States.TaskFailed"], "ResultPath": "$.error", "Next": "Handled"}], "End": true},
              "Handled": {"Type": "Pass", "End": true}}}
            """
        let (result, _) = try await execute(definition, input: ["x": 1], invoker: registry)
        #expect(result.status == .succeeded)
        #expect(result.output?["error"]?["Error"] == "States.TaskFailed")
        #expect(result.output?["error"]?["Cause"] == "The function '/bin/sh -c echo boom >&2; exit 3' exited with status 3: boom")
    }

    @Test("a Python lambda_handler runs through lambda:invoke, wrapped like Lambda's response")
    func pythonLambda() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("aviary-asl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("classify.py")
        try """
            class LowConfidence(Exception):
                pass

            def lambda_handler(event, context):
                if event["confidence"] < 0.5:
                    raise LowConfidence("confidence %s is below 0.5" % event["confidence"])
                return {"label": "cat", "confidence": event["confidence"]}
            """.write(to: file, atomically: true, encoding: .utf8)
        let registry = FunctionRegistry()
        registry.register("classify", PythonLambdaFunction(file: file.path))
        let definition = """
            {"StartAt": "Classify", "States": {"Classify": {"Type": "Task",
              "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "arn:aws:lambda:us-east-1:123456789012:function:classify:$LATEST", "Payload.$": "$"},
              "ResultSelector": {"result.$": "$.Payload", "status.$": "$.StatusCode"},
              "Catch": [{"ErrorEquals": ["LowConfidence"], "Next": "Dropped"}], "End": true},
              "Dropped": {"Type": "Pass", "End": true}}}
            """
        let good = try await execute(definition, input: ["confidence": 0.9], invoker: registry).result
        #expect(good.output?.serialized() == #"{"result":{"label":"cat","confidence":0.9},"status":200}"#)
        let low = try await execute(definition, input: ["confidence": 0.2], invoker: registry).result
        #expect(low.output?.serialized() == #"{"Error":"LowConfidence","Cause":"confidence 0.2 is below 0.5"}"#)
    }

    @Test("Retry re-invokes with backoff until MaxAttempts, then the error surfaces")
    func retry() async throws {
        let calls = Counter()
        let registry = FunctionRegistry()
        registry.register("flaky", ClosureFunction { _ in
            calls.increment()
            throw ASLError(name: "Flaky", cause: "try again")
        })
        let definition = """
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:lambda:eu-west-1:1:function:flaky",
              "Retry": [{"ErrorEquals": ["States.ALL"], "IntervalSeconds": 2, "MaxAttempts": 2, "BackoffRate": 3}], "End": true}}}
            """
        let clock = VirtualClock(start: 0)
        let (result, _) = try await execute(definition, invoker: registry, clock: clock)
        #expect(result.error == "Flaky")
        #expect(calls.value == 3)
        #expect(clock.now() == 8)
    }

    @Test("TimeoutSeconds stops a slow function with States.Timeout")
    func timeout() async throws {
        let registry = FunctionRegistry()
        registry.register("slow", CommandFunction.shell("sleep 30; echo '{}'"))
        let definition = #"{"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "slow", "TimeoutSeconds": 1, "End": true}}}"#
        let (result, events) = try await execute(definition, invoker: registry, clock: SystemClock())
        #expect(result.error == "States.Timeout")
        #expect(events.contains { $0.type == "TaskTimedOut" })
    }
}

final class Counter: Sendable {
    private let count = Mutex(0)
    func increment() { count.withLock { $0 += 1 } }
    var value: Int { count.withLock { $0 } }
}
