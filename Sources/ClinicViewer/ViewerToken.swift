import Crypto
import Foundation

/// The per-run secret of `myolog ui`: 32 bytes from the system's cryptographically secure
/// generator (swift-crypto's `SymmetricKey`), written as base64url. Whoever presents it is a
/// browser that was given the address `ui` printed in its own terminal.
///
/// Guarantees: every token is new — there is no way to make one from a string, so it cannot be
/// fixed, guessed from a seed or carried over from an earlier run; it lives only in memory (the
/// caller prints ``secret`` once, to the terminal), and its `description`, `debugDescription`
/// and reflection are redacted, so a token interpolated into a log line or `dump`ed shows
/// nothing; ``admits(_:)`` takes the same time whatever is presented — it compares SHA-256
/// digests byte by byte without stopping at the first difference — so response times reveal
/// neither the token's length nor any prefix of it.
public struct ViewerToken: Sendable, CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// The token as it goes in the printed address (`?token=`) and in the cookie: 43 characters
    /// of base64url without padding, which need no escaping in either. Print it to the terminal
    /// only: anyone who has it can read every record this viewer shows.
    public let secret: String
    private let digest: [UInt8]

    /// A fresh random token.
    public init() {
        let bytes = SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }
        secret = bytes.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
        digest = Array(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Whether `presented` is this token, in constant time: digests of equal length are compared
    /// in full, so the time taken does not depend on where (or whether) they differ.
    public func admits(_ presented: some StringProtocol) -> Bool {
        let other = Array(SHA256.hash(data: Data(presented.utf8)))
        var difference: UInt8 = 0
        for (mine, theirs) in zip(digest, other) { difference |= mine ^ theirs }
        return difference == 0
    }

    public var description: String { "ViewerToken(redacted)" }
    public var debugDescription: String { description }
    public var customMirror: Mirror { Mirror(self, children: [:]) }
}
