import Foundation
import TOMLKit

/// The effective configuration of a project: for each documented key, its value and where it came from.
///
/// Precedence, strongest first: command-line flag, environment variable, `.aviary/config.toml`, default.
/// Values are checked when loaded, so a typo in the file or the environment fails the command at once,
/// naming the file and key, instead of being ignored.
public struct Configuration: Sendable {
    public enum Source: String, Sendable, Codable {
        case flag, environment, file, defaultValue = "default"
    }

    public struct Value: Sendable, Codable, Equatable {
        public var key: String
        public var value: String
        public var source: Source
    }

    public private(set) var values: [String: Value]

    /// The defaults, as a project that has no configuration file gets them.
    public static var defaults: Configuration {
        Configuration(values: Dictionary(uniqueKeysWithValues: ConfigurationKey.all.map {
            ($0.name, Value(key: $0.name, value: $0.defaultValue, source: .defaultValue))
        }))
    }

    public static func load(file: URL?, environment: [String: String], overrides: [String: String] = [:]) throws -> Configuration {
        var configuration = Configuration.defaults
        if let file, FileManager.default.fileExists(atPath: file.path) {
            for (name, value) in try ConfigurationFile.read(file) {
                try configuration.set(name, value, source: .file, origin: file.path)
            }
        }
        for key in ConfigurationKey.all {
            if let value = environment[key.environmentVariable] {
                try configuration.set(key.name, value, source: .environment, origin: key.environmentVariable)
            }
        }
        for (name, value) in overrides.sorted(by: { $0.key < $1.key }) {
            try configuration.set(name, value, source: .flag, origin: "--" + (ConfigurationKey.named(name)?.field ?? name))
        }
        return configuration
    }

    public func string(_ key: ConfigurationKey) -> String {
        values[key.name]?.value ?? key.defaultValue
    }

    public func double(_ key: ConfigurationKey) -> Double {
        Double(string(key)) ?? Double(key.defaultValue)!
    }

    /// Every key with its value, in documentation order.
    public var list: [Value] {
        ConfigurationKey.all.compactMap { values[$0.name] }
    }

    mutating func set(_ name: String, _ value: String, source: Source, origin: String) throws {
        guard let key = ConfigurationKey.named(name) else {
            throw ConfigurationError.unknownKey(origin: origin, key: name, known: ConfigurationKey.all.map(\.name))
        }
        try Self.check(value, for: key, origin: origin)
        values[name] = Value(key: name, value: value, source: source)
    }

    static func check(_ value: String, for key: ConfigurationKey, origin: String) throws {
        let valid: Bool
        switch key.type {
        case .string: valid = key.allowed.isEmpty || key.allowed.contains(value)
        case .integer: valid = Int(value) != nil
        case .number: valid = Double(value).map { $0.isFinite && $0 >= 0 } ?? false
        case .boolean: valid = ["true", "false"].contains(value)
        }
        guard valid else {
            let expected = key.allowed.isEmpty ? "a \(key.type == .number ? "non-negative number" : key.type.rawValue)"
                                               : "one of " + key.allowed.joined(separator: ", ")
            throw ConfigurationError.invalidValue(origin: origin, key: key.name, value: value, expected: expected)
        }
    }
}
