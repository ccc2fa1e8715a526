/// A sample the loader left out.
public struct SampleFailure: Error, Sendable, Hashable, CustomStringConvertible {
    public let index: Int
    public let name: String
    public let reason: String

    public var description: String { "sample \(index) (\(name)) skipped: \(reason)" }
}
