import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Event delivery")
struct EventDispatcherTests {
    /// Records the waits the dispatcher asks for instead of sleeping.
    final class Sleeps: Sendable {
        let taken = Mutex<[Double]>([])
        var values: [Double] { taken.withLock { $0 } }
        func sleep(_ seconds: Double) async throws { taken.withLock { $0.append(seconds) } }
    }

    static func project() throws -> (any MetadataStore, ModelRegistry) {
        let store = try MetadataBackend.sqlite.makeStore(in: TemporaryDirectory())
        return (store, ModelRegistry(metadata: store))
    }

    static func dispatcher(_ store: any MetadataStore, _ sleeps: Sleeps) -> EventDispatcher {
        EventDispatcher(metadata: store, delivery: StandardDelivery(projectRoot: nil, timeout: 5), sleep: { try await sleeps.sleep($0) })
    }

    @Test("signatures are HMAC-SHA256 of the body, as openssl computes them")
    func signature() {
        // printf 'hello' | openssl dgst -sha256 -hmac s3cret
        #expect(EventSignature.sign(Data("hello".utf8), secret: "s3cret")
            == "sha256=e5a01537481fa0b2c697f787c7aff885412cf0760d08e08502259b39d2d6ae68")
    }

    @Test("a webhook gets each new matching event once, signed, and a second pass sends nothing")
    func webhookDelivery() async throws {
        let (store, registry) = try Self.project()
        _ = try await registry.register(.init(group: "old", by: "ana"))  // before the webhook: not delivered
        let server = try LoopbackHTTPServer()
        defer { server.stop() }
        try await EventSubscriptions(metadata: store).add(Subscriber(name: "ops", kind: .webhook, events: ["model.approved", "model.rejected"],
                                                                     target: server.url + "/hook", secret: "s3cret"))
        _ = try await registry.register(.init(group: "birds", by: "ana"))
        _ = try await registry.approve("birds", 1, by: "bo", reason: "good")
        let sleeps = Sleeps()
        let report = try await Self.dispatcher(store, sleeps).dispatchOnce()
        #expect(report.delivered == ["webhook/ops": 1])
        let requests = server.requests
        #expect(requests.count == 1)
        let request = try #require(requests.first)
        #expect(request.method == "POST" && request.path == "/hook")
        #expect(request.headers["x-aviary-event"] == "model.approved")
        #expect(request.headers["x-aviary-signature"] == EventSignature.sign(request.body, secret: "s3cret"))
        let body = try JSONSerialization.jsonObject(with: request.body) as? [String: Any]
        #expect(body?["type"] as? String == "model.approved" && body?["sequence"] as? Int == 3)
        #expect((body?["payload"] as? [String: Any])?["reason"] as? String == "good")

        #expect(try await Self.dispatcher(store, sleeps).dispatchOnce().delivered == ["webhook/ops": 0])
        #expect(server.requests.count == 1 && sleeps.values.isEmpty)
    }

    @Test("a failing receiver is retried with exponential backoff, then the event is dead-lettered and the next goes on")
    func retriesAndDeadLetters() async throws {
        let (store, registry) = try Self.project()
        let server = try LoopbackHTTPServer(status: 200, first: [500, 503, 500, 502, 500])
        defer { server.stop() }
        try await EventSubscriptions(metadata: store).add(Subscriber(name: "flaky", kind: .webhook, events: ["model.*"],
                                                                     target: server.url, maxAttempts: 3, backoffSeconds: 2))
        _ = try await registry.register(.init(group: "birds", by: "ana"))   // three failures: dead letter
        _ = try await registry.register(.init(group: "birds", by: "ana"))   // two failures, then delivered
        let sleeps = Sleeps()
        let report = try await Self.dispatcher(store, sleeps).dispatchOnce()
        #expect(report.delivered == ["webhook/flaky": 1] && report.deadLettered == ["webhook/flaky": 1])
        #expect(server.requests.count == 6)
        #expect(sleeps.values == [2, 4, 2, 4])
        let letters = try await EventSubscriptions(metadata: store).deadLetters()
        #expect(letters.map(\.sequence) == [1] && letters.first?.attempts == 3)
        #expect(letters.first?.lastError.contains("answered HTTP 500") == true)
        let cursor = try await EventSubscriptions(metadata: store).cursor(of: try #require(EventSubscriptions(metadata: store).subscribers().first))
        #expect(cursor.sequence == 2)
    }

    @Test("a rule runs its command for its group's approvals only, with the event in the environment")
    func rules() async throws {
        let (store, registry) = try Self.project()
        let directory = TemporaryDirectory()
        let log = directory.url.appendingPathComponent("ran.log")
        try await EventSubscriptions(metadata: store).add(Subscriber(
            name: "deploy-birds", kind: .rule, events: ["model.approved"], group: "birds",
            target: "printf '%s %s\\n' \"$AVIARY_EVENT_TYPE\" \"$AVIARY_EVENT_SUBJECT\" >> '\(log.path)'"))
        _ = try await registry.register(.init(group: "birds", by: "ana"))
        _ = try await registry.register(.init(group: "cars", by: "ana"))
        _ = try await registry.approve("cars", 1, by: "bo", reason: nil)
        _ = try await registry.approve("birds", 1, by: "bo", reason: nil)
        let report = try await Self.dispatcher(store, Sleeps()).dispatchOnce()
        #expect(report.delivered == ["rule/deploy-birds": 1])
        #expect(try String(contentsOf: log, encoding: .utf8) == "model.approved model.version/birds/1\n")
    }

    @Test("subscribers are validated and unique")
    func validation() async throws {
        let (store, _) = try Self.project()
        let subscriptions = EventSubscriptions(metadata: store)
        await #expect(throws: EventsError.invalidURL("ftp://x")) {
            try await subscriptions.add(Subscriber(name: "a", kind: .webhook, events: ["*"], target: "ftp://x"))
        }
        await #expect(throws: EventsError.noEventTypes("a")) {
            try await subscriptions.add(Subscriber(name: "a", kind: .webhook, events: [], target: "http://localhost/"))
        }
        try await subscriptions.add(Subscriber(name: "a", kind: .webhook, events: ["*"], target: "http://localhost/"))
        await #expect(throws: EventsError.subscriberExists("webhook/a")) {
            try await subscriptions.add(Subscriber(name: "a", kind: .webhook, events: ["*"], target: "http://localhost/"))
        }
        try await subscriptions.remove(kind: .webhook, name: "a")
        await #expect(throws: EventsError.subscriberNotFound("webhook/a")) { try await subscriptions.remove(kind: .webhook, name: "a") }
    }
}
