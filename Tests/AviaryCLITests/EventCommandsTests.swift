import AviaryCore
import AviaryTestSupport
import Foundation
import Testing

@Suite("aviary events, webhook and rule")
struct EventCommandsTests {
    @Test("an approval reaches a signed webhook and a rule when events are dispatched")
    func approvalReachesSubscribers() async throws {
        let project = try await AviaryProcess.initializedProject()
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        let marker = project.url.appendingPathComponent("deployed.txt")
        func aviary(_ arguments: [String]) async throws -> CommandResult {
            try await AviaryProcess.run(arguments, in: project.url, environment: ["AVIARY_USER": "ana", "AVIARY_WEBHOOK_SECRET": "s3cret"])
        }
        let added = try await aviary(["webhook", "add", "ops", server.url + "/hook", "--events", "model.approved"])
        #expect(added.standardOutput == "webhook ops → \(server.url)/hook for model.approved\n", "\(added.standardError)")
        let rule = try await aviary(["rule", "add", "deploy", "--on", "model.approved", "--group", "birds",
                                     "--run", "echo \"$AVIARY_EVENT_SUBJECT\" > '\(marker.path)'"])
        #expect(rule.status == 0, "\(rule.standardError)")
        #expect(try await aviary(["model", "register", "birds"]).status == 0)
        #expect(try await aviary(["model", "approve", "birds/1", "--reason", "ship it"]).status == 0)

        let dispatched = try await aviary(["events", "dispatch", "--once"])
        #expect(dispatched.standardOutput == "rule/deploy: 1 delivered, 0 dead-lettered\nwebhook/ops: 1 delivered, 0 dead-lettered\n",
                "\(dispatched.standardError)")
        let request = try #require(server.requests.first)
        #expect(request.headers["x-aviary-signature"] == EventSignature.sign(request.body, secret: "s3cret"))
        #expect(try String(contentsOf: marker, encoding: .utf8) == "model.version/birds/1\n")

        let listed = try await aviary(["events", "ls", "--type", "model.*"])
        let lines = listed.standardOutput.split(separator: "\n")
        #expect(lines.count == 3 && lines[1].hasSuffix("model.registered  model.version/birds/1") && lines[2].contains("model.approved"))
        let subscribers = try await aviary(["webhook", "ls"]).standardOutput
        #expect(subscribers.contains("ops") && subscribers.contains("deploy"))
        #expect(try await aviary(["webhook", "rm", "ops"]).standardOutput == "removed webhook ops\n")
        let gone = try await aviary(["webhook", "rm", "ops"])
        #expect(gone.status == 66 && gone.standardError.contains("no subscriber webhook/ops"))
    }

    @Test("a receiver that keeps failing ends in the dead letters, and a bad URL is refused")
    func deadLetters() async throws {
        let project = try await AviaryProcess.initializedProject()
        let server = try LoopbackHTTPServer(status: 500)
        defer { server.stop() }
        func aviary(_ arguments: [String]) async throws -> CommandResult { try await AviaryProcess.run(arguments, in: project.url) }
        let bad = try await aviary(["webhook", "add", "x", "not a url", "--events", "*"])
        #expect(bad.status == 65 && bad.standardError.contains("'not a url' is not an http(s) URL"))
        #expect(try await aviary(["webhook", "add", "down", server.url, "--events", "model.*", "--max-attempts", "2", "--backoff", "0.01"]).status == 0)
        #expect(try await aviary(["model", "register", "birds"]).status == 0)
        let dispatched = try await aviary(["events", "dispatch", "--once"])
        #expect(dispatched.standardOutput == "webhook/down: 0 delivered, 1 dead-lettered\n")
        #expect(server.requests.count == 2)
        let letters = try await aviary(["webhook", "dead-letters", "--json"])
        let decoded = try JSONSerialization.jsonObject(with: Data(letters.standardOutput.utf8)) as? [[String: Any]]
        #expect(decoded?.count == 1 && decoded?.first?["type"] as? String == "model.registered" && decoded?.first?["attempts"] as? Int == 2)
    }
}
