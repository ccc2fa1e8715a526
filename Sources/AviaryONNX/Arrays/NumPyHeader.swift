import Foundation

/// The header of a .npy file, `{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }`, parsed
/// without a Python evaluator: only these three keys with literal values are accepted.
struct NumPyHeader {
    var elementType: ElementType
    var bigEndian: Bool
    var shape: [Int]

    init(parsing header: String, path: String) throws(NumPyError) {
        func malformed(_ reason: String) -> NumPyError { .malformed(path: path, reason: "header \(header.trimmingCharacters(in: .whitespacesAndNewlines)): \(reason)") }
        guard let descr = Self.value(of: "descr", in: header) else { throw malformed("no 'descr'") }
        let descrText = descr.trimmingCharacters(in: CharacterSet(charactersIn: "'\""))
        guard let order = descrText.first, "<>|=".contains(order) else { throw .unsupportedType(path: path, descr: descrText) }
        let kind = String(descrText.dropFirst())
        guard let type = ElementType.allCases.first(where: { $0.numpyKind == kind && $0 != .bfloat16 }) else {
            throw .unsupportedType(path: path, descr: descrText)
        }
        guard let fortran = Self.value(of: "fortran_order", in: header) else { throw malformed("no 'fortran_order'") }
        guard fortran == "False" else {
            if fortran == "True" { throw .fortranOrder(path: path) }
            throw malformed("fortran_order is \(fortran)")
        }
        guard let shapeText = Self.value(of: "shape", in: header), shapeText.hasPrefix("("), shapeText.hasSuffix(")") else {
            throw malformed("no 'shape' tuple")
        }
        var dimensions: [Int] = []
        for part in shapeText.dropFirst().dropLast().split(separator: ",") {
            let trimmed = part.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard let dimension = Int(trimmed), dimension >= 0 else { throw malformed("shape entry '\(trimmed)' is not a size") }
            dimensions.append(dimension)
        }
        elementType = type
        bigEndian = order == ">" && type.byteCount > 1
        shape = dimensions
    }

    /// The literal after `'key':`, up to the next top-level comma or closing brace.
    private static func value(of key: String, in header: String) -> String? {
        guard let keyRange = header.range(of: "'\(key)'") ?? header.range(of: "\"\(key)\"") else { return nil }
        var rest = header[keyRange.upperBound...].drop { $0 == " " }
        guard rest.first == ":" else { return nil }
        rest = rest.dropFirst().drop { $0 == " " }
        var depth = 0
        var end = rest.startIndex
        while end < rest.endIndex {
            let character = rest[end]
            if character == "(" { depth += 1 }
            if character == ")" { depth -= 1; if depth == 0 { end = rest.index(after: end); break } }
            if depth == 0 && (character == "," || character == "}") { break }
            end = rest.index(after: end)
        }
        return rest[rest.startIndex..<end].trimmingCharacters(in: .whitespaces)
    }
}
