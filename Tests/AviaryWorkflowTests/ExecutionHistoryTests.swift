import Testing
import AviaryWorkflow
import AviaryJSON

@Suite("Execution history and resume")
struct ExecutionHistoryTests {
    let definition = """
        {"StartAt": "A", "States": {
          "A": {"Type": "Pass", "Result": 1, "ResultPath": "$.a", "Next": "B"},
          "B": {"Type": "Map", "ItemsPath": "$.items", "MaxConcurrency": 1, "ResultPath": "$.mapped",
                "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "Next": "C"},
          "C": {"Type": "Pass", "Parameters": {"sum.$": "States.MathAdd($.a, 1)"}, "End": true}}}
        """

    @Test("events carry AWS's names in order, with dense ids")
    func eventNames() async throws {
        let (result, events) = try await execute(definition, input: ["items": [1, 2]])
        #expect(result.output == ["sum": 2])
        #expect(events.map(\.type) == [
            "ExecutionStarted", "PassStateEntered", "PassStateExited", "MapStateEntered", "MapStateStarted",
            "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapIterationStarted", "PassStateEntered", "PassStateExited", "MapIterationSucceeded",
            "MapStateSucceeded", "MapStateExited", "PassStateEntered", "PassStateExited", "ExecutionSucceeded",
        ])
        #expect(events.map(\.id) == Array(1...events.count))
    }

    @Test("an interrupted execution resumes after its last completed top-level state")
    func resume() async throws {
        let machine = try DefinitionParser.parse(definition)
        let full = InMemoryHistory()
        _ = await Execution(machine: machine, input: ["items": [1, 2]], sink: full, clock: VirtualClock()).run()
        // Crash right after B exited: keep events up to MapStateExited.
        let cut = full.events.firstIndex { $0.type == "MapStateExited" }!
        let recorded = Array(full.events[...cut])
        let resumed = InMemoryHistory()
        let result = await Execution(machine: machine, input: ["items": [1, 2]], sink: resumed, clock: VirtualClock())
            .resume(from: recorded)
        #expect(result.output == ["sum": 2])
        #expect(resumed.events.map(\.type) == ["PassStateEntered", "PassStateExited", "ExecutionSucceeded"])
        #expect(resumed.events.first?.id == recorded.count + 1)
    }

    @Test("a state that was entered but not exited runs again from its recorded input")
    func resumeInsideState() async throws {
        let machine = try DefinitionParser.parse(definition)
        let full = InMemoryHistory()
        _ = await Execution(machine: machine, input: ["items": [1, 2]], sink: full, clock: VirtualClock()).run()
        let cut = full.events.firstIndex { $0.type == "MapIterationStarted" }!
        let result = await Execution(machine: machine, input: ["items": [1, 2]], clock: VirtualClock())
            .resume(from: Array(full.events[...cut]))
        #expect(result.output == ["sum": 2])
    }

    @Test("a finished history returns its recorded result without running")
    func finished() async throws {
        let machine = try DefinitionParser.parse(definition)
        let full = InMemoryHistory()
        let first = await Execution(machine: machine, input: ["items": []], sink: full, clock: VirtualClock()).run()
        let again = InMemoryHistory()
        let second = await Execution(machine: machine, input: ["items": []], sink: again).resume(from: full.events)
        #expect(first == second)
        #expect(again.events.isEmpty)
    }
}

@Suite("History events as AWS JSON")
struct HistoryEventJSONTests {
    @Test("every event survives a round trip through its AWS JSON form")
    func roundTrip() async throws {
        let definition = """
            {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
              "ItemProcessor": {"StartAt": "I", "States": {"I": {"Type": "Pass", "End": true}}}, "Next": "F"},
              "F": {"Type": "Fail", "Error": "Boom", "Cause": "why"}}}
            """
        let (_, events) = try await execute(definition, input: ["items": [1]])
        for event in events {
            let text = event.awsJSON.serialized()
            #expect(HistoryEvent(awsJSON: try JSONParser.parse(text)) == event, "\(text)")
        }
        #expect(events[1].awsJSON.serialized().hasSuffix(#""type":"MapStateEntered","stateEnteredEventDetails":{"name":"M","input":"{\"items\":[1]}"}}"#))
    }
}

@Suite("Execution timeout")
struct ExecutionTimeoutTests {
    @Test("TimeoutSeconds of the machine ends the execution as TIMED_OUT")
    func timesOut() async throws {
        let definition = """
            {"StartAt": "W", "TimeoutSeconds": 5, "States": {"W": {"Type": "Wait", "Seconds": 10, "Next": "P"},
              "P": {"Type": "Pass", "End": true}}}
            """
        let (result, events) = try await execute(definition)
        #expect(result.status == .timedOut)
        #expect(result.error == "States.Timeout")
        #expect(events.last?.type == "ExecutionTimedOut")
    }
}
