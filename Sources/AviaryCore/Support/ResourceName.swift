/// The one rule for names users give things (datasets, model groups, workflows, webhooks): they become
/// record ids, file names and URL path segments, so only ASCII letters, digits, '-', '_' and '.',
/// starting with a letter or digit, and not too long.
enum ResourceName {
    static let allowed = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_.")

    static func isValid(_ name: String, maximumLength: Int = 80) -> Bool {
        guard let first = name.first, first.isASCII, first.isLetter || first.isNumber, name.count <= maximumLength else { return false }
        return name.allSatisfy(allowed.contains)
    }
}
