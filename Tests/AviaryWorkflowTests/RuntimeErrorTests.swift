import Testing
import AviaryWorkflow
import AviaryJSON

/// Runtime failures with the causes real AWS reports (us-east-1), including its state prefix.
@Suite("Runtime errors worded like AWS")
struct RuntimeErrorTests {
    @Test("a missing intrinsic argument names the whole expression")
    func missingIntrinsicArgument() async throws {
        let result = try await evaluateIntrinsic("States.Format('{}', States.Format('{}', $.nope))", input: ["other": 1])
        #expect(result.error == "States.Runtime")
        #expect(result.cause == "An error occurred while executing the state 'S' (entered at the event id #2). The function 'States.Format('{}', States.Format('{}', $.nope))' had the following error: The JsonPath argument for the field '$.nope' could not be found in the input '{\"other\":1}'")
    }

    @Test("an index past the end reads as null in Parameters but fails as an intrinsic argument")
    func indexPastEnd() async throws {
        let direct = try await execute(
            #"{"StartAt": "P", "States": {"P": {"Type": "Pass", "Parameters": {"idx.$": "$.items[5]"}, "End": true}}}"#,
            input: ["items": [1, 2]]).result
        #expect(direct.output == ["idx": .null])
        let viaIntrinsic = try await evaluateIntrinsic("States.Format('{}', $.items[5])", input: ["items": [1, 2]])
        #expect(viaIntrinsic.error == "States.Runtime")
    }

    @Test("States.ALL does not catch States.Runtime")
    func runtimeIsTerminal() async throws {
        let definition = """
            {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items", "Parameters": {"missing.$": "$.nope"},
              "Iterator": {"StartAt": "P", "States": {"P": {"Type": "Pass", "End": true}}},
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Caught"}], "End": true},
              "Caught": {"Type": "Pass", "End": true}}}
            """
        let result = try await execute(definition, input: ["items": [1, 2]]).result
        #expect(result.error == "States.Runtime")
        #expect(result.cause == "An error occurred while executing the state 'M' (entered at the event id #2). The JSONPath '$.nope' specified for the field 'missing.$' could not be found in the input '{\"items\":[1,2]}'")
    }

    @Test("a Choice on a missing variable is a runtime error; IsPresent is not")
    func choiceOnMissingVariable() async throws {
        let definition = """
            {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [
              {"Variable": "$.flag", "IsPresent": true, "Next": "Yes"},
              {"Variable": "$.done", "BooleanEquals": true, "Next": "Yes"}], "Default": "No"},
              "Yes": {"Type": "Succeed"}, "No": {"Type": "Succeed"}}}
            """
        let result = try await execute(definition, input: ["other": 1]).result
        #expect(result.cause == "An error occurred while executing the state 'C' (entered at the event id #2). Invalid path '$.done': The choice state's condition path references an invalid value.")
        #expect(try await execute(definition, input: ["flag": 1]).result.status == .succeeded)
    }

    @Test("a Choice without a match or Default fails with States.NoChoiceMatched")
    func noChoice() async throws {
        let definition = """
            {"StartAt": "C", "States": {"C": {"Type": "Choice", "Choices": [{"Variable": "$.n", "NumericEquals": 1, "Next": "Y"}]},
              "Y": {"Type": "Succeed"}}}
            """
        #expect(try await execute(definition, input: ["n": 2]).result.error == "States.NoChoiceMatched")
    }
}
