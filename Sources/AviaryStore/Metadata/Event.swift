import Foundation

/// An event about to be appended to the durable event log.
public struct NewEvent: Hashable, Sendable {
    /// A dotted name such as `model.approved` or `pipeline.step.succeeded`.
    public var type: String
    /// What the event is about, as `kind/id`.
    public var subject: String
    /// Event details, as UTF-8 JSON.
    public var payload: Data
    public var time: Date

    public init(type: String, subject: String, payload: Data = Data("{}".utf8), time: Date = Date()) {
        self.type = type
        self.subject = subject
        self.payload = payload
        self.time = time
    }
}

/// An event in the log. Sequence numbers increase strictly in commit order, so a subscriber that
/// remembers the last one it handled can resume without missing or reordering anything.
public struct Event: Hashable, Sendable {
    public var sequence: Int64
    public var type: String
    public var subject: String
    public var payload: Data
    public var time: Date

    public init(sequence: Int64, type: String, subject: String, payload: Data, time: Date) {
        self.sequence = sequence
        self.type = type
        self.subject = subject
        self.payload = payload
        self.time = time
    }
}
