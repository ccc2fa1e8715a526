import AviaryCore
import AviaryJSON
import AviaryStore
import AviaryTestSupport
import AviaryWorkflow
import Foundation
import Testing

/// Registered user functions and the built-ins, called from Task states of stored executions.
@Suite struct WorkflowFunctionTests {
    @Test func lambdaInvokeWithAFullARNCallsTheRegisteredCommand() async throws {
        let fixture = try WorkflowFixture()
        try await FunctionCatalog(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
            .addCommand(name: "shout", command: #"tr a-z A-Z"#)
        let definition = """
            {"StartAt": "Call", "States": {"Call": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
              "Parameters": {"FunctionName": "arn:aws:lambda:eu-west-1:123456789012:function:shout:live", "Payload": {"word.$": "$.word"}},
              "OutputPath": "$.Payload", "End": true}}}
            """
        let finished = try await fixture.execute("call", definition, input: #"{"word": "seeds"}"#)
        #expect(finished.status == .succeeded)
        #expect(finished.output == #"{"WORD":"SEEDS"}"#)
        #expect(try await fixture.historyTypes("e1").contains("TaskSucceeded"))
    }

    @Test func aFailingFunctionIsRetriedThenCaughtByName() async throws {
        let fixture = try WorkflowFixture()
        let functions = FunctionCatalog(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
        try await functions.addCommand(name: "flaky", command: #"echo '{"errorType": "Seeds.Unreadable", "errorMessage": "cannot read seed"}'; exit 1"#)
        let definition = """
            {"StartAt": "Call", "States": {
              "Call": {"Type": "Task", "Resource": "flaky", "Retry": [{"ErrorEquals": ["Seeds.Unreadable"], "MaxAttempts": 2, "IntervalSeconds": 0}],
                       "Catch": [{"ErrorEquals": ["Seeds.Unreadable"], "ResultPath": "$.failure", "Next": "Handled"}], "End": true},
              "Handled": {"Type": "Pass", "End": true}}}
            """
        let finished = try await fixture.execute("retry", definition, input: #"{"seed": 7}"#)
        #expect(finished.status == .succeeded)
        #expect(finished.output == #"{"seed":7,"failure":{"Error":"Seeds.Unreadable","Cause":"cannot read seed"}}"#)
        #expect(try await fixture.historyTypes("e1").filter { $0 == "TaskFailed" }.count == 3)
    }

    @Test func aPythonLambdaHandlerRunsFromTheProjectsCopyOfItsSource() async throws {
        let fixture = try WorkflowFixture()
        let file = try fixture.directory.write("count.py", Data("""
            import os
            def lambda_handler(event, context):
                return {"count": len(event["items"]), "project": os.environ["AVIARY_PROJECT"]}
            """.utf8))
        let functions = FunctionCatalog(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
        let added = try await functions.addPython(name: "count", file: file)
        try FileManager.default.removeItem(at: file)
        #expect(try fixture.project.blobs.contains(try #require(added.source)))
        let definition = #"{"StartAt": "C", "States": {"C": {"Type": "Task", "Resource": "count", "End": true}}}"#
        let finished = try await fixture.execute("py", definition, input: #"{"items": [1, 2, 3]}"#)
        #expect(finished.output == #"{"count": 3, "project": "\#(fixture.directory.url.standardizedFileURL.path)"}"#.replacingOccurrences(of: ": ", with: ":").replacingOccurrences(of: ", ", with: ","))
        #expect(try await functions.functions().map(\.name) == ["count"])
        try await functions.remove("count")
        #expect(try await functions.functions().isEmpty)
        await #expect(throws: WorkflowError.functionNotFound(name: "count")) { try await functions.remove("count") }
    }

    @Test func reservedAndMalformedFunctionsAreRefused() async throws {
        let fixture = try WorkflowFixture()
        let functions = FunctionCatalog(metadata: fixture.project.metadata, blobs: fixture.project.blobs)
        await #expect(throws: WorkflowError.invalidName(kind: "function", name: "aviary.classify", reason: "names starting with 'aviary.' belong to the built-in functions")) {
            try await functions.addCommand(name: "aviary.classify", command: "cat")
        }
        let file = try fixture.directory.write("nothing.py", Data("x = 1\n".utf8))
        await #expect(throws: WorkflowError.invalidFunction(name: "n", detail: "\(file.path) defines no `def lambda_handler(event, context)`")) {
            try await functions.addPython(name: "n", file: file)
        }
    }

    @Test func imagesPassByReferenceThroughTheBlobBuiltins() async throws {
        let fixture = try WorkflowFixture()
        let png = try fixture.directory.write("seed.png", try SampleImages.png(seed: 3, width: 20, height: 10))
        let definition = """
            {"StartAt": "Store", "States": {
              "Store": {"Type": "Task", "Resource": "aviary.blob.write", "Parameters": {"path.$": "$.image"}, "ResultPath": "$.stored", "Next": "Inspect"},
              "Inspect": {"Type": "Task", "Resource": "arn:aws:states:::lambda:invoke",
                          "Parameters": {"FunctionName": "aviary.blob.read", "Payload": {"blob.$": "$.stored.blob"}},
                          "ResultSelector": {"width.$": "$.Payload.width", "height.$": "$.Payload.height", "type.$": "$.Payload.mediaType"},
                          "ResultPath": "$.info", "End": true}}}
            """
        let finished = try await fixture.execute("blobs", definition, input: #"{"image": "\#(png.path)"}"#)
        let output = AviaryJSON.JSONValue.parse(try #require(finished.output))
        let id = try BlobID(parsing: try #require(output["stored"]?["blob"]?.stringValue))
        #expect(try fixture.project.blobs.data(id) == (try Data(contentsOf: png)))
        #expect(output["stored"]?["mediaType"] == "image/png")
        #expect(output["info"] == ["width": 20, "height": 10, "type": "image/png"])
        #expect(try #require(finished.output).count < 400, "the state carries the id, not the bytes")
    }

    @Test func notifyPostsTheJSONPayloadToAWebhook() async throws {
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let fixture = try WorkflowFixture()
        let definition = """
            {"StartAt": "Tell", "States": {"Tell": {"Type": "Task", "Resource": "aviary.notify",
              "Parameters": {"url": "\(server.url)/hooks/seeds", "payload": {"execution.$": "$$.Execution.Name", "n.$": "$.n"}}, "End": true}}}
            """
        let finished = try await fixture.execute("tell", definition, input: #"{"n": 5}"#, execution: "notify-1")
        #expect(finished.output == #"{"statusCode":200}"#)
        let requests = try await server.waitForRequests(1)
        #expect(requests.count == 1)
        #expect(requests.first?.method == "POST")
        #expect(requests.first?.path == "/hooks/seeds")
        #expect(requests.first?.headers["content-type"] == "application/json")
        #expect(requests.first.map { String(decoding: $0.body, as: UTF8.self) } == #"{"execution":"notify-1","n":5}"#)
    }

    @Test func aWebhookAnsweringAnErrorFailsTheTaskWithNotifyFailed() async throws {
        let server = try LoopbackHTTPServer(status: 500)
        defer { server.stop() }
        let fixture = try WorkflowFixture()
        let definition = #"{"StartAt": "Tell", "States": {"Tell": {"Type": "Task", "Resource": "aviary.notify", "Parameters": {"url": "\#(server.url)/x", "payload": {}}, "End": true}}}"#
        let finished = try await fixture.execute("tell", definition)
        #expect(finished.status == .failed)
        #expect(finished.error == "Aviary.NotifyFailed")
        #expect(finished.cause == "aviary.notify: POST \(server.url)/x answered HTTP 500")
    }
}
