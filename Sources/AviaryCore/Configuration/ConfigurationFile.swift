import Foundation
import TOMLKit

/// Reads and writes `.aviary/config.toml`.
enum ConfigurationFile {
    /// The file's settings as dotted names (`log.level`) and their values as text.
    static func read(_ url: URL) throws -> [(String, String)] {
        let text: String
        do {
            text = try String(contentsOf: url, encoding: .utf8)
        } catch {
            throw ConfigurationError.unreadable(path: url.path, reason: "\(error)")
        }
        let table: TOMLTable
        do {
            table = try TOMLTable(string: text)
        } catch let error as TOMLParseError {
            throw ConfigurationError.syntax(path: url.path, line: error.source.begin.line,
                                            column: error.source.begin.column, message: error.description)
        }
        var settings: [(String, String)] = []
        for section in table.keys.sorted() {
            guard let fields = table[section]?.table else {
                throw ConfigurationError.unknownKey(origin: url.path, key: section, known: ConfigurationKey.all.map(\.name))
            }
            for field in fields.keys.sorted() {
                let name = section + "." + field
                guard let value = fields[field], let text = scalarText(value) else {
                    throw ConfigurationError.invalidValue(origin: url.path, key: name, value: "\(fields[field].map { "\($0)" } ?? "")",
                                                          expected: "a string, number or boolean")
                }
                settings.append((name, text))
            }
        }
        return settings
    }

    private static func scalarText(_ value: TOMLValueConvertible) -> String? {
        if let string = value.string { return string }
        if let bool = value.bool { return bool ? "true" : "false" }
        if let int = value.int { return String(int) }
        if let double = value.double { return String(double) }
        return nil
    }
}

extension Configuration {
    /// What `aviary init` writes: every key with its default and documentation, so that the file itself
    /// explains what can be set.
    public static var defaultFileText: String {
        var lines = [
            "# Aviary project configuration.",
            "# Each key `section.name` can be overridden by the environment variable AVIARY_SECTION_NAME.",
            "# `aviary config list` prints the effective values and where each came from.",
        ]
        var section = ""
        for key in ConfigurationKey.all {
            if key.section != section {
                section = key.section
                lines += ["", "[\(section)]"]
            }
            lines.append("# \(key.summary)" + (key.allowed.isEmpty ? "" : " One of: \(key.allowed.joined(separator: ", ")).")
                         + " Environment: \(key.environmentVariable).")
            lines.append("\(key.field) = " + (key.type == .string ? "\"\(key.defaultValue)\"" : key.defaultValue))
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
