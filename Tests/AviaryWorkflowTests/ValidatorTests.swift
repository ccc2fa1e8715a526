import Testing
import AviaryWorkflow
import AviaryJSON

@Suite("Validator")
struct ValidatorTests {
    @Test("reports every problem at once, naming state and field")
    func allProblems() {
        let definition = """
            {"StartAt": "Start", "States": {
              "Start": {"Type": "Pass", "Next": "Choose"},
              "Choose": {"Type": "Choice", "Choices": [
                 {"Variable": "$.n", "NumericEquals": "one", "Next": "Done"},
                 {"Variable": "$.n", "NumericGreaterThan": 1, "Next": "X"}], "Default": "Done"},
              "Done": {"Type": "Succeed"},
              "Orphan": {"Type": "Pass", "End": true},
              "Bad": {"Type": "Pass", "InputPath": "nope", "End": true},
              "Loop": {"Type": "Wat"}
            }}
            """
        #expect(Validator.validate(definition).map(\.description) == [
            "States.Choose.Choices[0].NumericEquals: must be a number, got string \"one\"",
            "States.Bad.InputPath: invalid JSONPath 'nope': a path must begin with '$'",
            "States.Loop.Type: unknown state type 'Wat'; use one of Pass, Task, Choice, Wait, Succeed, Fail, Parallel, Map",
            "States.Choose.Choices[1].Next: state \"X\" does not exist",
            "States.Orphan: state is unreachable from StartAt; remove it or add a transition to it",
            "States.Bad: state is unreachable from StartAt; remove it or add a transition to it",
        ])
    }

    @Test("missing StartAt and transitions")
    func structure() {
        let definition = #"{"States": {"A": {"Type": "Pass"}, "B": {"Type": "Task", "Next": "A", "End": true}}}"#
        #expect(Validator.validate(definition).map(\.description) == [
            "StartAt: missing; name the first state to run",
            "States.A: needs either Next or \"End\": true",
            "States.B.Resource: missing; a Task needs a Resource ARN or a registered function name",
        ])
    }

    @Test("nested machines are checked with their location")
    func nested() {
        let definition = """
            {"StartAt": "M", "States": {"M": {"Type": "Map", "End": true,
              "ItemProcessor": {"StartAt": "P", "States": {"P": {"Type": "Pass", "Next": "Gone"}}},
              "Retry": [{"ErrorEquals": [], "BackoffRate": 0.5}]}}}
            """
        #expect(Validator.validate(definition).map(\.description) == [
            "States.M.Retry[0].ErrorEquals: missing or empty; list the error names to match, e.g. [\"States.ALL\"]",
            "States.M.ItemProcessor.States.P.Next: state \"Gone\" does not exist",
        ])
    }

    @Test("a valid definition has no problems")
    func valid() {
        #expect(Validator.validate(#"{"StartAt": "A", "States": {"A": {"Type": "Succeed"}}}"#).isEmpty)
    }
}
