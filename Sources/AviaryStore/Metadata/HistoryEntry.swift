import Foundation

/// One numbered entry of a long-running subject's history: today, one event of a workflow
/// execution (AWS's `GetExecutionHistory` shape, as JSON).
///
/// Entries live in their own append-only table rather than in `records`, because an execution
/// writes thousands of them and reads them back in order by number to resume.
public struct HistoryEntry: Hashable, Sendable {
    /// Whose history this is, such as `workflow.execution/nightly-7`.
    public var subject: String
    /// The entry's number, dense from 1 within its subject.
    public var number: Int
    /// The entry's type, such as `TaskStateEntered`.
    public var type: String
    public var time: Date
    /// The entry itself, as UTF-8 JSON.
    public var body: Data

    public init(subject: String, number: Int, type: String, time: Date, body: Data) {
        self.subject = subject
        self.number = number
        self.type = type
        self.time = time
        self.body = body
    }
}
