/// An author as the report names them: with the role their signed event names, or marked
/// unverified for an event from before people had keys — a name no signature vouches for, which
/// a reader must not take for an authenticated clinician. Text only: the HTML layer escapes it.
enum ReportAuthor {
    static func named(_ author: String, role: String?) -> String {
        "\(author) (\(role ?? "unverified author"))"
    }
}
