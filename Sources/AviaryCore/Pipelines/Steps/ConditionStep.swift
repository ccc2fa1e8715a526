import AviaryJSON

/// Evaluates its `if` over parameters and earlier steps' outputs. Outputs `result` and `explanation`
/// (the values each comparison saw); the runner skips the branch that was not taken.
public struct ConditionStep: StepExecutor {
    public init() {}

    public func cacheContent(_ context: StepContext) async throws -> JSONValue {
        let expression = try Self.expression(context)
        let resolver = Self.resolver(context)
        var values = JSONObject()
        for reference in expression.references { values[reference.description] = (try? resolver.value(of: reference)) ?? .null }
        return .object(JSONObject([("if", .string(expression.description)), ("values", .object(values))]))
    }

    public func run(_ context: StepContext) async throws -> StepResult {
        let expression = try Self.expression(context)
        let resolver = Self.resolver(context)
        let evaluated: (value: Bool, explanation: String)
        do {
            evaluated = try expression.evaluate { (reference) throws(PipelineExpression.EvaluationError) -> JSONValue in
                do { return try resolver.value(of: reference) } catch let failure as StepFailure {
                    throw PipelineExpression.EvaluationError(message: failure.message)
                } catch {
                    throw PipelineExpression.EvaluationError(message: "\(error)")
                }
            }
        } catch {
            throw StepFailure(.input, error.message)
        }
        context.log(evaluated.explanation)
        return StepResult(outputs: ["result": .bool(evaluated.value), "explanation": .string(evaluated.explanation)], message: evaluated.explanation)
    }

    static func expression(_ context: StepContext) throws -> PipelineExpression {
        guard let text = context.step.settings["if"]?.stringValue else { throw StepFailure(.input, "a condition needs `if`") }
        do { return try PipelineExpression.parse(text) } catch { throw StepFailure(.input, "`if` at character \(error.offset + 1): \(error.message)") }
    }

    static func resolver(_ context: StepContext) -> ReferenceResolver {
        ReferenceResolver(runID: context.run.id, parameters: context.run.parameters, outputs: context.outputs)
    }
}

/// Fails the run on purpose, with its `message` (references resolved): the `else` of a condition.
public struct FailStep: StepExecutor {
    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        let message = context.string("message") ?? "the pipeline failed on purpose"
        context.log(message)
        throw StepFailure(.failed, message)
    }
}

/// Stands in for a kind the runner has no executor for: a typed failure saying to use a script.
public struct UnsupportedStep: StepExecutor {
    public init() {}

    public func run(_ context: StepContext) async throws -> StepResult {
        throw StepFailure.unsupported(step: context.step.name, kind: context.step.kind)
    }
}
