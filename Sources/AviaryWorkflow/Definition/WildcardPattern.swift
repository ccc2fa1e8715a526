/// StringMatches patterns, also used for event type filters (`model.*`): `*` matches any run of characters; `\*` and `\\` are literal.
public struct WildcardPattern: Sendable {
    private enum Token { case literal(Character), star }
    private let tokens: [Token]

    public init(_ pattern: String) {
        var tokens: [Token] = []
        var escaped = false
        for c in pattern {
            if escaped {
                tokens.append(.literal(c))
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "*" {
                tokens.append(.star)
            } else {
                tokens.append(.literal(c))
            }
        }
        if escaped { tokens.append(.literal("\\")) }
        self.tokens = tokens
    }

    /// Greedy matching with backtracking to the last star: linear in practice.
    public func matches(_ text: String) -> Bool {
        let s = Array(text)
        var si = 0, ti = 0
        var starTi = -1, starSi = 0
        while si < s.count {
            if ti < tokens.count, case .literal(let c) = tokens[ti], c == s[si] {
                si += 1
                ti += 1
            } else if ti < tokens.count, case .star = tokens[ti] {
                starTi = ti
                starSi = si
                ti += 1
            } else if starTi >= 0 {
                ti = starTi + 1
                starSi += 1
                si = starSi
            } else {
                return false
            }
        }
        while ti < tokens.count, case .star = tokens[ti] { ti += 1 }
        return ti == tokens.count
    }
}
