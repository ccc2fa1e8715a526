import Testing
import AviaryWorkflow

@Suite("Map and Parallel")
struct MapAndParallelTests {
    @Test("ItemBatcher hands each child a batch with the BatchInput")
    func itemBatcher() async throws {
        let definition = """
            {"StartAt": "M", "States": {"M": {"Type": "Map", "ItemsPath": "$.items",
              "ItemBatcher": {"MaxItemsPerBatch": 2, "BatchInput": {"model.$": "$.model"}},
              "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
                "StartAt": "Count", "States": {"Count": {"Type": "Pass",
                  "Parameters": {"model.$": "$.BatchInput.model", "n.$": "States.ArrayLength($.Items)"}, "End": true}}},
              "End": true}}}
            """
        let result = try await execute(definition, input: ["model": "resnet", "items": [1, 2, 3]]).result
        #expect(result.output?.serialized() == #"[{"model":"resnet","n":2},{"model":"resnet","n":1}]"#)
    }

    static let distributed = """
        {"StartAt": "M", "States": {"M": {"Type": "Map", "ToleratedFailureCount": %COUNT%,
          "ItemProcessor": {"ProcessorConfig": {"Mode": "DISTRIBUTED", "ExecutionType": "STANDARD"},
            "StartAt": "C", "States": {
              "C": {"Type": "Choice", "Choices": [{"Variable": "$", "NumericEquals": 2, "Next": "Boom"}], "Default": "Ok"},
              "Boom": {"Type": "Fail", "Error": "Bad", "Cause": "two"}, "Ok": {"Type": "Succeed"}}},
          "End": true}}}
        """

    @Test("a DISTRIBUTED Map tolerates failures up to ToleratedFailureCount")
    func toleratedFailures() async throws {
        let tolerant = try await execute(Self.distributed.replacingOccurrences(of: "%COUNT%", with: "1"), input: [1, 2, 3]).result
        #expect(tolerant.status == .succeeded)
        #expect(tolerant.output?.serialized() == #"[1,{"Error":"Bad","Cause":"two"},3]"#)
        let strict = try await execute(Self.distributed.replacingOccurrences(of: "%COUNT%", with: "0"), input: [1, 2, 3]).result
        #expect(strict.error == "States.ExceedToleratedFailureThreshold")
    }

    @Test("an inline Map failure is caught by the Map's Catch")
    func mapCatch() async throws {
        let definition = """
            {"StartAt": "M", "States": {"M": {"Type": "Map", "MaxConcurrency": 2, "ItemsPath": "$.x",
              "ItemProcessor": {"StartAt": "F", "States": {"F": {"Type": "Fail", "Error": "Nope", "Cause": "item"}}},
              "Catch": [{"ErrorEquals": ["Nope"], "ResultPath": "$.error", "Next": "Done"}], "End": true},
              "Done": {"Type": "Pass", "End": true}}}
            """
        let result = try await execute(definition, input: ["x": [1, 2, 3]]).result
        #expect(result.output?.serialized() == #"{"x":[1,2,3],"error":{"Error":"Nope","Cause":"item"}}"#)
    }

    @Test("Parallel keeps branch order and retries a failing branch set")
    func parallelRetry() async throws {
        let definition = """
            {"StartAt": "P", "States": {"P": {"Type": "Parallel", "Branches": [
                {"StartAt": "A", "States": {"A": {"Type": "Pass", "Result": "a", "End": true}}},
                {"StartAt": "B", "States": {"B": {"Type": "Fail", "Error": "Flaky"}}}],
              "Retry": [{"ErrorEquals": ["Flaky"], "MaxAttempts": 2}],
              "Catch": [{"ErrorEquals": ["States.ALL"], "Next": "Recovered"}], "End": true},
              "Recovered": {"Type": "Pass", "End": true}}}
            """
        let (result, events) = try await execute(definition)
        #expect(result.output?.serialized() == #"{"Error":"Flaky","Cause":null}"#)
        #expect(events.filter { $0.type == "FailStateEntered" }.count == 3)
    }
}
