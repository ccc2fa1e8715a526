import AviaryStore
import Foundation

/// Model groups and versions in a project's metadata store. Every change is one atomic write that
/// also appends its event (`model.registered`, `model.approved`, `model.rejected`), so subscribers
/// never see a change without its event or an event without its change.
///
/// Concurrent writers (two pipelines registering at once, two people approving) are handled with
/// optimistic concurrency: each write names the revision it read, and a writer that lost the race
/// reads again and retries, so version numbers have no gaps and no decision is silently overwritten.
public struct ModelRegistry: Sendable {
    public let metadata: any MetadataStore
    let now: @Sendable () -> Date

    public init(metadata: any MetadataStore, now: @escaping @Sendable () -> Date = Date.init) {
        self.metadata = metadata
        self.now = now
    }

    /// What to register; everything but the group is optional.
    public struct Registration: Sendable {
        public var group: String
        public var artifact: BlobID?
        public var metrics: [String: Double] = [:]
        public var lineage = ModelVersion.Lineage()
        public var description: String?
        public var by: String
        public var reason: String?
        /// SageMaker lets a pipeline register a version already approved; the default is pending.
        public var status: ApprovalStatus = .pendingManualApproval

        public init(group: String, by: String) {
            self.group = group
            self.by = by
        }
    }

    /// Registers the next version of a group, creating the group on first use.
    public func register(_ registration: Registration) async throws -> ModelVersion {
        try Self.validate(group: registration.group)
        guard registration.status != .rejected else { throw RegistryError.illegalTransition(from: .pendingManualApproval, to: .rejected) }
        return try await retryingConflicts(group: registration.group) {
            let at = wholeSecond(now())
            let groupRecord = try await metadata.record(kind: ModelGroup.recordKind, id: registration.group)
            var group = try groupRecord?.decode(ModelGroup.self)
                ?? ModelGroup(name: registration.group, description: nil, createdAt: at, createdBy: registration.by, latestVersion: 0)
            group.latestVersion += 1
            let version = ModelVersion(
                group: group.name, number: group.latestVersion, artifact: registration.artifact, metrics: registration.metrics,
                lineage: registration.lineage, description: registration.description, status: registration.status,
                history: [.init(status: registration.status, by: registration.by, at: at, reason: registration.reason)],
                registeredAt: at, registeredBy: registration.by)
            let groupKey = RecordKey(kind: ModelGroup.recordKind, id: group.name)
            try await metadata.write(WriteBatch(
                preconditions: [groupRecord.map(RecordPrecondition.unchanged) ?? .absent(groupKey),
                                .absent(RecordKey(kind: ModelVersion.recordKind, id: version.reference))],
                records: [try Record(kind: ModelGroup.recordKind, id: group.name, value: group, createdAt: group.createdAt),
                          try record(of: version)],
                events: [try event("model.registered", version, change: version.history[0])]))
            return version
        }
    }

    public func approve(_ group: String, _ number: Int, by: String, reason: String?) async throws -> ModelVersion {
        try await decide(group, number, .approved, by: by, reason: reason)
    }

    public func reject(_ group: String, _ number: Int, by: String, reason: String?) async throws -> ModelVersion {
        try await decide(group, number, .rejected, by: by, reason: reason)
    }

    func decide(_ group: String, _ number: Int, _ status: ApprovalStatus, by: String, reason: String?) async throws -> ModelVersion {
        try await retryingConflicts(group: group) {
            let stored = try await versionRecord(group, number)
            var version = try stored.decode(ModelVersion.self)
            version.status = try ApprovalStateMachine.transition(from: version.status, to: status)
            let change = ModelVersion.StatusChange(status: status, by: by, at: wholeSecond(now()), reason: reason)
            version.history.append(change)
            try await metadata.write(WriteBatch(
                preconditions: [.unchanged(stored)],
                records: [try record(of: version)],
                events: [try event(status == .approved ? "model.approved" : "model.rejected", version, change: change)]))
            return version
        }
    }

    // MARK: Reading

    public func groups() async throws -> [ModelGroup] {
        try await metadata.records(kind: ModelGroup.recordKind).map { try $0.decode(ModelGroup.self) }.sorted { $0.name < $1.name }
    }

    /// A group's versions, oldest first.
    public func versions(of group: String) async throws -> [ModelVersion] {
        guard try await metadata.record(kind: ModelGroup.recordKind, id: group) != nil else { throw RegistryError.groupNotFound(group) }
        return try await metadata.records(kind: ModelVersion.recordKind).lazy
            .map { try $0.decode(ModelVersion.self) }.filter { $0.group == group }.sorted { $0.number < $1.number }
    }

    public func version(_ group: String, _ number: Int) async throws -> ModelVersion {
        try await versionRecord(group, number).decode(ModelVersion.self)
    }

    /// The versions that were approved at `date`, newest first: the first is what a deployment that
    /// follows "the latest approved version" was serving then.
    public func approvedVersions(of group: String, at date: Date) async throws -> [ModelVersion] {
        try await versions(of: group).filter { $0.status(at: date) == .approved }.reversed()
    }

    /// Parses `GROUP/VERSION`.
    public static func parseReference(_ text: String) throws(RegistryError) -> (group: String, number: Int) {
        guard let slash = text.lastIndex(of: "/"), slash != text.startIndex, let number = Int(text[text.index(after: slash)...]), number > 0 else {
            throw .invalidReference(text)
        }
        return (String(text[..<slash]), number)
    }

    // MARK: Helpers

    func versionRecord(_ group: String, _ number: Int) async throws -> Record {
        guard let record = try await metadata.record(kind: ModelVersion.recordKind, id: "\(group)/\(number)") else {
            if try await metadata.record(kind: ModelGroup.recordKind, id: group) == nil { throw RegistryError.groupNotFound(group) }
            throw RegistryError.versionNotFound(group: group, version: number)
        }
        return record
    }

    func record(of version: ModelVersion) throws -> Record {
        try Record(kind: ModelVersion.recordKind, id: version.reference, value: version,
                   blobs: version.artifact.map { [$0] } ?? [], createdAt: version.registeredAt)
    }

    func event(_ type: String, _ version: ModelVersion, change: ModelVersion.StatusChange) throws -> NewEvent {
        struct Payload: Encodable {
            var group: String, version: Int, status: String, by: String, reason: String?, artifact: String?, metrics: [String: Double]
        }
        let payload = Payload(group: version.group, version: version.number, status: change.status.rawValue, by: change.by,
                              reason: change.reason, artifact: version.artifact?.description, metrics: version.metrics)
        return NewEvent(type: type, subject: "\(ModelVersion.recordKind)/\(version.reference)",
                        payload: try CanonicalJSON.encode(payload), time: change.at)
    }

    /// Runs a read-modify-write until it commits without a conflict, backing off a little each time.
    func retryingConflicts<T>(group: String, _ body: () async throws -> T) async throws -> T {
        try await AviaryCore.retryingConflicts(orThrow: RegistryError.busy(group: group), body)
    }

    static func validate(group: String) throws(RegistryError) {
        guard ResourceName.isValid(group) else {
            throw .invalidName(group)
        }
    }
}

func wholeSecond(_ date: Date) -> Date {
    Date(timeIntervalSince1970: date.timeIntervalSince1970.rounded(.down))
}
