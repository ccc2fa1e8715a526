import AviaryJSON
/// RFC 3339 timestamps (`2016-03-14T01:59:00Z`, `…T01:59:00.123+01:00`), the only form the
/// Timestamp operators and Wait accept. Parsed by hand: Foundation's formatters are slow and
/// lenient in ways AWS is not.
enum Timestamp {
    /// Seconds since 1970 (fractional), or nil when the text is not an RFC 3339 date-time with offset.
    static func parse(_ text: String) -> Double? {
        let c = Array(text.utf8)
        func digits(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= c.count else { return nil }
            var v = 0
            for i in from..<from + count {
                guard c[i] >= 48 && c[i] <= 57 else { return nil }
                v = v * 10 + Int(c[i] - 48)
            }
            return v
        }
        guard c.count >= 20, let year = digits(0, 4), c[4] == 45, let month = digits(5, 2), c[7] == 45,
            let day = digits(8, 2), c[10] == UInt8(ascii: "T"),
            let hour = digits(11, 2), c[13] == 58, let minute = digits(14, 2), c[16] == 58, let second = digits(17, 2)
        else { return nil }
        guard (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year), hour < 24, minute < 60,
            second < 61
        else { return nil }
        var i = 19
        var fraction = 0.0
        if i < c.count, c[i] == 46 {
            i += 1
            var scale = 0.1
            let start = i
            while i < c.count, c[i] >= 48 && c[i] <= 57 {
                fraction += Double(c[i] - 48) * scale
                scale /= 10
                i += 1
            }
            guard i > start else { return nil }
        }
        guard i < c.count else { return nil }
        var offset = 0
        if c[i] == UInt8(ascii: "Z") {
            i += 1
        } else if c[i] == 43 || c[i] == 45 {
            guard let oh = digits(i + 1, 2), c.count > i + 3, c[i + 3] == 58, let om = digits(i + 4, 2) else { return nil }
            offset = (oh * 3600 + om * 60) * (c[i] == 45 ? -1 : 1)
            i += 6
        } else {
            return nil
        }
        guard i == c.count else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        return Double(days * 86400 + hour * 3600 + minute * 60 + second - offset) + fraction
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Howard Hinnant's days-from-civil algorithm.
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (month + (month > 2 ? -3 : 9)) + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }
}

extension Timestamp {
    /// `2026-11-22T08:00:00.123Z`, the form AWS uses in the context object.
    static func format(_ seconds: Double) -> String {
        let millis = Int((seconds * 1000).rounded(.down))
        var days = millis / 86_400_000
        var rem = millis % 86_400_000
        if rem < 0 { rem += 86_400_000; days -= 1 }
        let z = days + 719468
        let era = (z >= 0 ? z : z - 146096) / 146097
        let doe = z - era * 146097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let day = doy - (153 * mp + 2) / 5 + 1
        let month = mp < 10 ? mp + 3 : mp - 9
        let year = yoe + era * 400 + (month <= 2 ? 1 : 0)
        func pad(_ v: Int, _ n: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, n - s.count)) + s
        }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))T\(pad(rem / 3_600_000, 2)):\(pad(rem / 60_000 % 60, 2)):\(pad(rem / 1000 % 60, 2)).\(pad(rem % 1000, 3))Z"
    }
}
