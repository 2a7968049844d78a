import ClinicalEvents
import Testing

/// Expects `body` to be refused with a ``ClinicalError`` whose code is `code` — the stable part
/// of a refusal — recording the refusal it got otherwise; returns the refusal for further checks.
@discardableResult
func expectRefusal<R>(_ code: ClinicalError.Code, _ comment: Comment? = nil, sourceLocation: SourceLocation = #_sourceLocation,
                      performing body: () throws -> R) -> ClinicalError? {
    let refusal = #expect(throws: ClinicalError.self, comment, sourceLocation: sourceLocation, performing: body)
    if let refusal { #expect(refusal.code == code, "refused with \(refusal.code): \(refusal)", sourceLocation: sourceLocation) }
    return refusal
}
