import AviaryCore
import AviaryJSON
import AviaryTestSupport
import Foundation
import Testing

/// `aviary.pipeline.start`: a workflow runs a pipeline to its end and routes on the result.
@Suite struct PipelineStartFunctionTests {
    @Test func aWorkflowRunsAPipelineAndSeesItsOutputs() async throws {
        let fixture = try WorkflowFixture()
        let file = try fixture.directory.write("p.yaml", Data("""
            name: scores
            parameters:
              n: {type: int, default: 1}
            steps:
              score: {kind: script, command: "echo '{\\"n\\": ${params.n}}' > $AVIARY_OUTPUT_DIR/metrics.json"}
              gate: {kind: condition, if: steps.score.outputs.n >= 2, else: [stop]}
              stop: {kind: fail, message: n is too small}
            """.utf8))
        let definition = """
            {"StartAt": "Run", "States": {
              "Run": {"Type": "Task", "Resource": "aviary.pipeline.start",
                      "Parameters": {"file": "\(file.path)", "parameters": {"n.$": "$.n"}, "name.$": "$.run"},
                      "Catch": [{"ErrorEquals": ["Aviary.PipelineFailed"], "ResultPath": "$.failure", "Next": "Failed"}], "End": true},
              "Failed": {"Type": "Pass", "End": true}}}
            """
        let passed = try await fixture.execute("runs", definition, input: #"{"n": 3, "run": "good"}"#, execution: "e1")
        let output = AviaryJSON.JSONValue.parse(try #require(passed.output))
        #expect(output["run"] == "good")
        #expect(output["status"] == "succeeded")
        #expect(output["outputs"]?["score"]?["n"] == 3)

        let runner = try await fixture.runner()
        let failed = try await runner.run(try await runner.start(workflow: "runs", input: #"{"n": 1, "run": "weak"}"#, name: "e2"))
        let caught = AviaryJSON.JSONValue.parse(try #require(failed.output))
        #expect(caught["failure"]?["Error"] == "Aviary.PipelineFailed")
        #expect(caught["failure"]?["Cause"]?.stringValue?.hasPrefix("pipeline run weak failed") == true, "\(caught)")
    }

    @Test func aBrokenPipelineFileIsAnInvalidEventNamingTheProblem() async throws {
        let fixture = try WorkflowFixture()
        let file = try fixture.directory.write("bad.yaml", Data("steps:\n  a: {kind: nonsense}\n".utf8))
        let finished = try await fixture.execute("bad", #"{"StartAt": "R", "States": {"R": {"Type": "Task", "Resource": "aviary.pipeline.start", "Parameters": {"file": "\#(file.path)"}, "End": true}}}"#)
        #expect(finished.error == "Aviary.InvalidEvent")
        #expect(finished.cause?.contains("bad.yaml:2:") == true, "\(finished.cause ?? "")")
    }
}
