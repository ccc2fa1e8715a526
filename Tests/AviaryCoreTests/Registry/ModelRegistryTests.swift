import AviaryCore
import AviaryStore
import AviaryTestSupport
import Foundation
import Synchronization
import Testing

@Suite("Model registry")
struct ModelRegistryTests {
    /// A clock the test moves by hand.
    final class ManualClock: Sendable {
        private let current = Mutex(Date(timeIntervalSince1970: 1_790_000_000))
        var now: Date { current.withLock { $0 } }
        func advance(days: Double) { current.withLock { $0 += days * 86_400 } }
    }

    static func registry(_ clock: ManualClock = ManualClock()) throws -> (ModelRegistry, any MetadataStore) {
        let store = try MetadataBackend.sqlite.makeStore(in: TemporaryDirectory())
        return (ModelRegistry(metadata: store, now: { clock.now }), store)
    }

    @Test("the approval state machine allows decisions and refuses no-ops and going back to pending")
    func stateMachine() throws {
        #expect(try ApprovalStateMachine.transition(from: .pendingManualApproval, to: .approved) == .approved)
        #expect(try ApprovalStateMachine.transition(from: .pendingManualApproval, to: .rejected) == .rejected)
        #expect(try ApprovalStateMachine.transition(from: .approved, to: .rejected) == .rejected)
        #expect(try ApprovalStateMachine.transition(from: .rejected, to: .approved) == .approved)
        for (from, to) in [(ApprovalStatus.approved, ApprovalStatus.approved), (.rejected, .rejected),
                           (.pendingManualApproval, .pendingManualApproval), (.approved, .pendingManualApproval),
                           (.rejected, .pendingManualApproval)] {
            #expect(throws: RegistryError.illegalTransition(from: from, to: to)) { try ApprovalStateMachine.transition(from: from, to: to) }
        }
        #expect(RegistryError.illegalTransition(from: .approved, to: .approved).description == "the version is already Approved; nothing to change")
    }

    @Test("versions are numbered per group, hold their lineage and emit events in the same write")
    func registerAndDecide() async throws {
        let (registry, store) = try Self.registry()
        var registration = ModelRegistry.Registration(group: "birds", by: "ana")
        registration.metrics = ["accuracy": 0.91]
        registration.lineage = .init(datasetVersion: "birds@1a2b", pipelineRun: "run-7", parameters: ["epochs": "5"], codeVersion: "0.1.0")
        let first = try await registry.register(registration)
        let second = try await registry.register(registration)
        _ = try await registry.register(ModelRegistry.Registration(group: "cars", by: "ana"))
        #expect(first.number == 1 && second.number == 2)
        #expect(first.status == .pendingManualApproval && first.lineage.pipelineRun == "run-7")

        let approved = try await registry.approve("birds", 2, by: "bo", reason: "beats v1 on the holdout")
        #expect(approved.status == .approved)
        #expect(approved.history.map(\.status) == [.pendingManualApproval, .approved])
        #expect(approved.history.last?.by == "bo" && approved.history.last?.reason == "beats v1 on the holdout")
        await #expect(throws: RegistryError.illegalTransition(from: .approved, to: .approved)) {
            try await registry.approve("birds", 2, by: "bo", reason: nil)
        }
        await #expect(throws: RegistryError.versionNotFound(group: "birds", version: 9)) { try await registry.approve("birds", 9, by: "bo", reason: nil) }
        await #expect(throws: RegistryError.groupNotFound("boats")) { try await registry.versions(of: "boats") }

        let events = try await store.events(after: 0, limit: 100)
        #expect(events.map(\.type) == ["model.registered", "model.registered", "model.registered", "model.approved"])
        #expect(events.last?.subject == "model.version/birds/2")
        let payload = try JSONSerialization.jsonObject(with: events.last!.payload) as? [String: Any]
        #expect(payload?["group"] as? String == "birds" && payload?["version"] as? Int == 2 && payload?["by"] as? String == "bo")
        #expect(try await registry.groups().map(\.name) == ["birds", "cars"])
    }

    @Test("history answers which version was approved on a given date")
    func approvedOnDate() async throws {
        let clock = ManualClock()
        let (registry, _) = try Self.registry(clock)
        let start = clock.now
        _ = try await registry.register(.init(group: "birds", by: "ana"))
        _ = try await registry.approve("birds", 1, by: "bo", reason: "first")
        clock.advance(days: 10)
        _ = try await registry.register(.init(group: "birds", by: "ana"))
        _ = try await registry.approve("birds", 2, by: "bo", reason: "better")
        clock.advance(days: 10)
        _ = try await registry.reject("birds", 2, by: "cy", reason: "drifts on night images")

        #expect(try await registry.approvedVersions(of: "birds", at: start.addingTimeInterval(-1)).isEmpty)
        #expect(try await registry.approvedVersions(of: "birds", at: start.addingTimeInterval(86_400)).map(\.number) == [1])
        #expect(try await registry.approvedVersions(of: "birds", at: start.addingTimeInterval(15 * 86_400)).map(\.number) == [2, 1])
        #expect(try await registry.approvedVersions(of: "birds", at: start.addingTimeInterval(25 * 86_400)).map(\.number) == [1])
    }

    @Test("concurrent registrations get distinct numbers without gaps")
    func concurrentRegistrations() async throws {
        let (registry, _) = try Self.registry()
        let numbers = try await withThrowingTaskGroup(of: Int.self) { group in
            for i in 0..<24 { group.addTask { try await registry.register(.init(group: "birds", by: "writer-\(i)")).number } }
            return try await group.reduce(into: []) { $0.append($1) }
        }
        #expect(numbers.sorted() == Array(1...24))
        #expect(try await registry.versions(of: "birds").map(\.number) == Array(1...24))
    }

    @Test("references and names are checked", arguments: ["birds", "birds/0", "birds/x", "/3"])
    func badReferences(_ text: String) {
        #expect(throws: RegistryError.invalidReference(text)) { try ModelRegistry.parseReference(text) }
    }

    @Test("a reference splits at the last slash")
    func goodReference() throws {
        let reference = try ModelRegistry.parseReference("birds/12")
        #expect(reference.group == "birds" && reference.number == 12)
    }
}
