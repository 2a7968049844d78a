

/// An error that names what was refused (``fact``) apart from what to do about it (``remedy``),
/// so a front end can say the remedy in its own words. `description` joins the two in plain words.
public protocol Remediable: Error, CustomStringConvertible {
    /// What was refused or went wrong, and why: one line, no advice.
    var fact: String { get }
    var remedy: Remedy? { get }
}

extension Remediable {
    public var description: String { fact + (remedy.map { "; " + $0.plainWords } ?? "") }
}
