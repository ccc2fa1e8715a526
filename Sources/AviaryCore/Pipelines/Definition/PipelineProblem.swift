/// One thing wrong with a pipeline definition, with where it is: the file, the line and column the
/// offending node starts at (1-based, as editors count), and the field as a dotted path such as
/// `steps.train.timeout`.
public struct PipelineProblem: Error, Sendable, Hashable, Codable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var field: String
    public var message: String

    public init(file: String, line: Int, column: Int, field: String, message: String) {
        self.file = file
        self.line = line
        self.column = column
        self.field = field
        self.message = message
    }

    /// `file:line:column: field: message`, the shape compilers use so that editors can jump to it.
    public var description: String {
        "\(file):\(line):\(column): \(field.isEmpty ? "" : "\(field): ")\(message)"
    }
}
