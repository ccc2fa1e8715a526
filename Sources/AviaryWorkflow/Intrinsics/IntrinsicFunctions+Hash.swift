import Crypto
import AviaryJSON

extension IntrinsicFunctions {
    static let hashAlgorithms = ["MD5", "SHA-1", "SHA-256", "SHA-384", "SHA-512"]

    /// Lower-case hex digest of the UTF-8 bytes of a string of at most 10,000 characters.
    func hash(_ args: [JSONValue], _ call: IntrinsicCall) throws(ASLError) -> JSONValue {
        try expectCount(args, 2...2, call)
        let data = try string(args[0], call)
        guard data.count <= 10_000 else { throw invalid(call, "the input string exceeds 10000 characters") }
        let algorithm = try string(args[1], call)
        let bytes = Array(data.utf8)
        let digest: [UInt8]
        switch algorithm {
        case "MD5": digest = Array(Insecure.MD5.hash(data: bytes))
        case "SHA-1": digest = Array(Insecure.SHA1.hash(data: bytes))
        case "SHA-256": digest = Array(SHA256.hash(data: bytes))
        case "SHA-384": digest = Array(SHA384.hash(data: bytes))
        case "SHA-512": digest = Array(SHA512.hash(data: bytes))
        default:
            throw invalid(call, "the hash algorithm '\(algorithm)' is not one of \(IntrinsicFunctions.hashAlgorithms.joined(separator: ", "))")
        }
        let hexDigits = Array("0123456789abcdef")
        return .string(String(digest.flatMap { [hexDigits[Int($0 >> 4)], hexDigits[Int($0 & 0xF)]] }))
    }
}
