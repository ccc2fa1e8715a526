import AviaryCore
import AviaryJSON
import Testing

/// Conditions: precedence, short-circuit, explanations and errors.
@Suite struct PipelineExpressionTests {
    let values: [String: JSONValue] = ["steps.evaluate.outputs.accuracy": .double(0.83), "params.threshold": .double(0.8),
                                        "params.strict": .bool(false), "params.mode": .string("fast")]

    func evaluate(_ text: String) throws -> (Bool, String) {
        let expression = try PipelineExpression.parse(text)
        let values = self.values
        let result = try expression.evaluate { (reference) throws(PipelineExpression.EvaluationError) -> JSONValue in
            guard let value = values[reference.description] else { throw .init(message: "no \(reference)") }
            return value
        }
        return (result.value, result.explanation)
    }

    @Test func comparisonsExplainWhatTheySaw() throws {
        let (value, explanation) = try evaluate("steps.evaluate.outputs.accuracy >= params.threshold")
        #expect(value)
        #expect(explanation == "steps.evaluate.outputs.accuracy (0.83) >= params.threshold (0.8) is true")
        #expect(try evaluate("steps.evaluate.outputs.accuracy > 0.9").0 == false)
    }

    @Test func andBindsTighterThanOrAndNotNegates() throws {
        #expect(try evaluate("params.mode == 'slow' and params.threshold < 1 or params.threshold > 0.5").0)
        #expect(try evaluate("params.mode == 'slow' and (params.threshold < 1 or params.threshold > 0.5)").0 == false)
        #expect(try evaluate("not params.strict && !(params.mode != \"fast\")").0)
    }

    @Test func syntaxErrorsGiveTheirOffset() {
        #expect(throws: PipelineExpression.SyntaxError(offset: 11, message: "expected ')'")) {
            try PipelineExpression.parse("(params.x  ")
        }
        #expect(throws: PipelineExpression.SyntaxError(offset: 0, message: "'accuracy' is not a value or a reference; write params.NAME or steps.STEP.outputs.KEY")) {
            try PipelineExpression.parse("accuracy > 3")
        }
    }

    @Test func comparingAStringWithANumberFailsAtRunTime() throws {
        #expect(throws: PipelineExpression.EvaluationError(message: "cannot compare string \"fast\" with number 3 using > in params.mode > 3")) {
            try evaluate("params.mode > 3")
        }
    }
}
