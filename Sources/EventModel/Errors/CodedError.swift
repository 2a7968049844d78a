/// An error with a stable code, as swift-certificates' `CertificateError` has one: the code is
/// what tests, scripts and `--json` consumers match, while `description` — one line naming
/// what was refused and what is accepted — is for people and may be reworded.
///
/// Every library error type of Myolog conforms. Codes are lower camel case, unique within their
/// type, and never reused for another meaning once released; two errors are alike for a test
/// when their codes are equal, whatever their values.
public protocol CodedError: Error, CustomStringConvertible {
    /// The error type's codes.
    associatedtype Code: RawRepresentable, Hashable, Sendable where Code.RawValue == String
    /// This error's code.
    var code: Code { get }
}
