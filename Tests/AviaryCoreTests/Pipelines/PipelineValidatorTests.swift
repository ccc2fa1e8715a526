import AviaryCore
import AviaryJSON
import Testing

/// The validator reports every problem with its exact line, column and field, and a valid file
/// becomes a definition with defaults and implied dependencies filled in.
@Suite struct PipelineValidatorTests {
    static let valid = """
        name: seeds
        parameters:
          dataset: {type: string, default: fashion}
          threshold: {type: float, default: 0.8}
          epochs: 3
        cache:
          expire_after: 7d
        steps:
          split:
            kind: split
            dataset: ${params.dataset}
            seed: 7
          train:
            kind: script
            command: [python3, train.py]
            channels:
              train: ${steps.split.outputs.train}
            params: {epochs: "${params.epochs}"}
            timeout: 10m
            retry:
              - on: [timeout, exit_code]
                max_attempts: 2
                interval: 1s
                backoff_rate: 3
          check:
            kind: condition
            if: steps.train.outputs.accuracy >= params.threshold and not (params.dataset == 'none')
            then: [register]
            else: [too_weak]
          register:
            kind: register
            group: fashion
            model: ${steps.train.outputs.model}
            metrics: ${steps.train.outputs}
          too_weak:
            kind: fail
            message: accuracy ${steps.train.outputs.accuracy} is below ${params.threshold}
        """

    @Test func aValidFileBecomesADefinitionWithImpliedDependencies() throws {
        let result = PipelineValidator.validate(Self.valid, file: "seeds.yaml", defaultName: "x")
        #expect(result.problems == [])
        let definition = try #require(result.definition)
        #expect(definition.name == "seeds")
        #expect(definition.parameters.map(\.name) == ["dataset", "threshold", "epochs"])
        #expect(definition.parameters.map(\.type) == [.string, .float, .int])
        #expect(definition.parameters.map(\.default) == [.string("fashion"), .double(0.8), .int(3)])
        #expect(definition.cache == CachePolicy(enabled: true, expireAfter: 7 * 86_400))
        #expect(definition.maxParallel == 4)
        #expect(definition.steps.map(\.name) == ["split", "train", "check", "register", "too_weak"])
        #expect(definition.steps.map(\.dependsOn) == [[], ["split"], ["train"], ["check", "train"], ["check", "train"]])
        let train = try #require(definition.step("train"))
        #expect(train.timeout == 600)
        #expect(train.retry == [PipelineRetryRule(errors: [.timeout, .exitCode], maxAttempts: 2, interval: 1, backoffRate: 3)])
        #expect(train.settings["command"] == .array(["python3", "train.py"]))
        #expect(train.retry[0].delay(beforeRetry: 1) == 1)
        #expect(train.retry[0].delay(beforeRetry: 3) == 9)
    }

    @Test func theSameStructureInJSONGivesTheSameDefinition() throws {
        let json = """
            {"name": "seeds", "parameters": {"dataset": {"type": "string", "default": "fashion"}},
             "steps": {"split": {"kind": "split", "dataset": "${params.dataset}", "seed": 7},
                       "check": {"kind": "condition", "if": "steps.split.outputs.train_count > 10"}}}
            """
        let yaml = """
            name: seeds
            parameters:
              dataset: {type: string, default: fashion}
            steps:
              split: {kind: split, dataset: "${params.dataset}", seed: 7}
              check: {kind: condition, if: "steps.split.outputs.train_count > 10"}
            """
        let fromJSON = PipelineValidator.validate(json, file: "p.json", defaultName: "p")
        let fromYAML = PipelineValidator.validate(yaml, file: "p.yaml", defaultName: "p")
        #expect(fromJSON.problems == [])
        #expect(fromJSON.definition != nil)
        #expect(fromJSON.definition == fromYAML.definition)
    }

    @Test func everyProblemIsReportedWithItsLineColumnAndField() {
        let text = """
            name: demo
            parameters:
              threshold: {type: float, default: high}
              mode: {type: text}
            colour: blue
            steps:
              split:
                kind: split
                seed: "7"
                fractions: {train: 0.5, test: 0.5}
              train:
                kind: script
                command: [python3, train.py]
                channels: {train: "${steps.splitt.outputs.train}"}
                timeout: soon
                retries: 3
              check:
                kind: condition
                if: steps.train.outputs.accuracy >= params.limit
                then: [missing]
              bad:
                kind: deploy
            """
        let result = PipelineValidator.validate(text, file: "demo.yaml", defaultName: "demo")
        #expect(result.definition == nil)
        #expect(result.problems.map(\.description) == [
            "demo.yaml:3:37: parameters.threshold.default: expected a float, found a string",
            "demo.yaml:4:16: parameters.mode.type: 'text' is not a parameter type; use string, int, float or bool",
            "demo.yaml:5:1: colour: unknown key 'colour' in a pipeline; expected one of cache, description, max_parallel, name, parameters, steps",
            "demo.yaml:8:5: steps.split.dataset: missing; a split step needs `dataset`: the dataset version to split (NAME, NAME@ID or an id)",
            "demo.yaml:9:11: steps.split.seed: expected an integer, found a string",
            "demo.yaml:14:23: steps.train.channels.train: steps.splitt.outputs.train refers to no step; steps are split, train, check, bad",
            "demo.yaml:15:14: steps.train.timeout: expected a duration such as 30s, 10m, 2h or 7d, found 'soon'",
            "demo.yaml:16:5: steps.train.retries: unknown key 'retries' in a script step; expected one of cache, channels, code, command, depends_on, description, environment, kind, params, retry, timeout",
            "demo.yaml:19:9: steps.check.if: params.limit refers to no parameter (declared: threshold)",
            "demo.yaml:20:12: steps.check.then: no step named 'missing'; steps are split, train, check, bad",
            "demo.yaml:22:11: steps.bad.kind: 'deploy' is not a step kind; use one of split, train, evaluate, condition, register, fail, transform, script",
        ])
    }

    @Test func cyclesAreReportedOnceWithTheirPath() {
        let text = """
            steps:
              a: {kind: script, command: "true", depends_on: [c]}
              b: {kind: script, command: "echo ${steps.a.outputs.x}"}
              c: {kind: script, command: "true", depends_on: b}
            """
        let result = PipelineValidator.validate(text, file: "loop.yaml", defaultName: "loop")
        #expect(result.problems.map(\.description) == [
            "loop.yaml:2:3: steps.a: steps form a cycle: a → b → c → a; remove one of these dependencies",
        ])
    }

    @Test func typeErrorsInConditionsAndReferences() {
        let text = """
            parameters:
              name: {type: string, default: x}
              flag: {type: bool, default: false}
              count: {type: int, default: 2}
            steps:
              split: {kind: split, dataset: x, seed: "${params.name}"}
              check: {kind: condition, if: "params.name > 3 or params.count"}
              other: {kind: condition, if: "params.flag < true"}
              broken: {kind: condition, if: "steps.split.outputs.n >= "}
              reg: {kind: register, group: g, approve: "${params.count}", model: "${param.x}"}
            """
        let result = PipelineValidator.validate(text, file: "t.yaml", defaultName: "t")
        #expect(result.problems.map(\.description) == [
            "t.yaml:6:42: steps.split.seed: expected an integer, but params.name is a string",
            "t.yaml:7:32: steps.check.if: params.name is a string and 3 is a number; they cannot be compared with >",
            "t.yaml:7:32: steps.check.if: params.count is a number, not a condition; compare it, as in params.count >= …",
            "t.yaml:8:32: steps.other.if: booleans can only be compared with == or !=, not <",
            "t.yaml:9:59: steps.broken.if: expected a value, a reference or '(' but the expression ended",
            "t.yaml:10:44: steps.reg.approve: expected true or false, but params.count is an int",
            "t.yaml:10:70: steps.reg.model: '${param.x}' is not a reference; write ${params.NAME}, ${steps.STEP.outputs.KEY} or ${run.id}",
        ])
    }

    @Test func syntaxErrorsPointAtTheParserPosition() {
        let result = PipelineValidator.validate("steps:\n  a: {kind: script\n", file: "bad.yaml", defaultName: "bad")
        #expect(result.problems.count == 1)
        #expect(result.problems[0].line == 3)
        #expect(result.problems[0].message.hasPrefix("not valid YAML or JSON: "))
    }

    @Test func durationsParseAndPrint() {
        #expect(DurationText.seconds("7d") == 604_800)
        #expect(DurationText.seconds("500ms") == 0.5)
        #expect(DurationText.seconds("90") == 90)
        #expect(DurationText.seconds("soon") == nil)
        #expect(DurationText.format(604_800) == "7d")
        #expect(DurationText.format(90) == "90s")
        #expect(DurationText.format(0.25) == "250ms")
    }
}

/// The normalised form is a pipeline file in its own right.
@Suite struct PipelineNormalizedTests {
    @Test func theNormalisedDefinitionValidatesToTheSameDefinition() throws {
        let definition = try #require(PipelineValidator.validate(PipelineValidatorTests.valid, file: "seeds.yaml", defaultName: "x").definition)
        let text = definition.normalized.indented()
        let again = PipelineValidator.validate(text, file: "normalized.json", defaultName: "other")
        #expect(again.problems == [])
        #expect(again.definition == definition)
        #expect(text.hasPrefix("{\n  \"name\": \"seeds\",\n  \"max_parallel\": 4,\n  \"cache\": {\n    \"enabled\": true,\n    \"expire_after\": \"7d\"\n  },"))
        #expect(text.contains("\"train\": {\n      \"kind\": \"script\",\n      \"depends_on\": [\"split\"],\n      \"timeout\": \"10m\",\n"))
    }
}
