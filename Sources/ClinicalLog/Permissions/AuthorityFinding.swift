import EventLog
import EventModel
import EventSync

/// An event a person wrote beyond what their roles allowed at that point in causal order — a
/// role they did not hold then, an act their role does not grant, another's entry amended
/// without being its supervisor or a practice manager, their own entry co-signed. Such an event
/// reached this store from another site (this store's own writes are refused before they are
/// written): it is kept, being signed history, and named by `verify` and the access review.
public struct AuthorityFinding: Sendable, Equatable, CustomStringConvertible {
    public var event: EventID
    public var type: String
    public var author: String
    /// The role the event says it was written in.
    public var role: String
    /// Why the role did not allow it, one line.
    public var reason: String

    public var description: String { "event \(event) (\(type)) by \(author) as \(role): \(reason)" }

    /// Every event of `reader`'s log that a person wrote beyond their roles at that point (the
    /// user directory as it stood at the event's clock), in log order. None in a store without
    /// people; events that name no role (written before people had keys) are not judged.
    ///
    /// - Parameter reader: The store's log.
    /// - Returns: The findings.
    /// - Throws: The store's read errors.
    public static func all(in reader: EventReader) throws -> [AuthorityFinding] {
        let directory = UserDirectory(events: try reader.userEvents())
        guard !directory.isEmpty else { return [] }
        var findings: [AuthorityFinding] = []
        try reader.forEachEvent { event in
            guard let written = event.authorRole, !Permissions.nodeAuthored.contains(event.type) else { return }
            func found(_ reason: String) { findings.append(AuthorityFinding(event: event.id, type: event.type, author: event.author, role: written, reason: reason)) }
            guard let standing = directory.standing(of: event.author, at: event.clock), !standing.isRemoved else {
                return found("\(event.author) was not a user of the store at that point")
            }
            guard let role = Role(rawValue: written), standing.roles.contains(written) else {
                return found("\(event.author) did not hold the role \(written) at that point")
            }
            // A payload this store cannot open (an erased patient's) is judged by its type alone.
            let payload = event.readablePayload.flatMap { try? JSONParser.parse(Array($0.utf8)) } ?? .object([:])
            do {
                _ = try ClinicalPermissions.role(forEvent: event.type, payload: payload, by: event.author, among: [role], in: reader)
            } catch let refusal as PermissionRefusal {
                found(refusal.fact)
            }
        }
        return findings
    }
}
