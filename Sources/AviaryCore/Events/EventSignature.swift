import Crypto
import Foundation

/// The signature a webhook receiver checks to know a request came from this project: HMAC-SHA256 of
/// the exact body bytes with the shared secret, sent as `X-Aviary-Signature: sha256=<hex>` (GitHub's
/// convention, so existing verification code works).
public enum EventSignature {
    public static let header = "X-Aviary-Signature"

    public static func sign(_ body: Data, secret: String) -> String {
        let code = HMAC<SHA256>.authenticationCode(for: body, using: SymmetricKey(data: Data(secret.utf8)))
        return "sha256=" + code.map { String(format: "%02x", $0) }.joined()
    }
}
