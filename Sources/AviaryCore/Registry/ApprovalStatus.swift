/// A model version's approval status, spelled as SageMaker Model Registry spells it so that scripts
/// written against `ModelApprovalStatus` read Aviary's output unchanged.
public enum ApprovalStatus: String, Codable, Sendable, CaseIterable {
    case pendingManualApproval = "PendingManualApproval"
    case approved = "Approved"
    case rejected = "Rejected"
}

/// The approval lifecycle as a pure state machine. A version starts pending (or approved, when
/// registered pre-approved); a person approves or rejects it; an approved version can be rejected
/// later (it misbehaves in production) and a rejected one approved after all. Nothing goes back to
/// pending, and a decision that changes nothing is refused, so the history holds only real changes.
public enum ApprovalStateMachine {
    public static func transition(from current: ApprovalStatus, to next: ApprovalStatus) throws(RegistryError) -> ApprovalStatus {
        switch (current, next) {
        case (.pendingManualApproval, .approved), (.pendingManualApproval, .rejected),
             (.approved, .rejected), (.rejected, .approved):
            return next
        default:
            throw .illegalTransition(from: current, to: next)
        }
    }
}
