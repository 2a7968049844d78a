import Foundation
import Testing
import EventModel
import EventSync
import MyologTestSupport

/// The user directory's fold (issue 33): who may change it, and that each change applies from its
/// point in causal order — the same at every site, whatever order the events arrived in.
@Suite("User directory: changes obeyed in causal order")
struct UserDirectoryTests {
    static let a = NodeID("aaaaaaaaaaaaaaaa")!, b = NodeID("bbbbbbbbbbbbbbbb")!

    /// A user event of `origin` at `sequence` with `clock` (its own entry set to `sequence`).
    static func event(_ type: String, _ payload: JSONValue, by author: String, origin: NodeID = a, sequence: Int, clock: [NodeID: Int] = [:], lamport: Int? = nil) -> EventEnvelope {
        var entries = clock
        entries[origin] = sequence
        return EventEnvelope(id: EventID.make(at: Timestamp.now()), origin: origin, sequence: sequence, clock: VectorClock(entries), lamport: lamport ?? entries.values.reduce(0, +),
                             recordedAt: Timestamp.now(), occurredAt: Timestamp.now(), author: author, patient: nil, type: type, schemaVersion: 1,
                             payload: payload.canonicalString, prevHash: nil, hash: EventHash(unchecked: String(repeating: "0", count: 64)),
                             authorRole: "practice-manager")
    }

    static let keyA = Data(repeating: 1, count: 32), keyB = Data(repeating: 2, count: 32), keyC = Data(repeating: 3, count: 32)

    static func added(_ user: String, roles: [String], key: Data, by author: String, origin: NodeID = a, sequence: Int, clock: [NodeID: Int] = [:]) -> EventEnvelope {
        event(SystemEventType.userAdded, ["user": .string(user), "displayName": .string(user.capitalized), "roles": .array(roles.map(JSONValue.string)),
                                         "publicKey": .string(key.base64EncodedString())], by: author, origin: origin, sequence: sequence, clock: clock)
    }

    @Test("a store's first user adds themselves; a later self-addition and a non-manager's changes are kept out and listed")
    func founderAndManagers() {
        let founder = Self.added("alex", roles: ["practice-manager", "therapist"], key: Self.keyA, by: "alex", sequence: 2)
        let sam = Self.added("sam", roles: ["therapist"], key: Self.keyB, by: "alex", sequence: 3)
        let selfMade = Self.added("eve", roles: ["practice-manager"], key: Self.keyC, by: "eve", sequence: 4)
        let samGrants = Self.event(SystemEventType.userRoleGranted, ["user": "sam", "role": "practice-manager"], by: "sam", sequence: 5)
        let fold = UserDirectory(events: [founder, sam, selfMade, samGrants]).fold()
        #expect(fold.users["alex"]?.roles == ["practice-manager", "therapist"])
        #expect(fold.users["sam"]?.roles == ["therapist"], "sam may not grant himself a role")
        #expect(fold.users["eve"] == nil, "only a store's first user adds themselves")
        #expect(fold.ineffective.map(\.event) == [selfMade.id, samGrants.id])
    }

    @Test("two stores founded apart each keep their founder when they meet")
    func concurrentFounders() {
        let alex = Self.added("alex", roles: ["practice-manager"], key: Self.keyA, by: "alex", origin: Self.a, sequence: 2)
        let bea = Self.added("bea", roles: ["practice-manager"], key: Self.keyB, by: "bea", origin: Self.b, sequence: 2)
        let fold = UserDirectory(events: [alex, bea]).fold()
        #expect(Set(fold.users.keys) == ["alex", "bea"] && fold.ineffective.isEmpty)
    }

    @Test("a removal applies to what was written after it in causal order, not before nor concurrently")
    func removalAtItsPoint() {
        let alex = Self.added("alex", roles: ["practice-manager"], key: Self.keyA, by: "alex", sequence: 2)
        let sam = Self.added("sam", roles: ["therapist"], key: Self.keyB, by: "alex", sequence: 3)
        let removed = Self.event(SystemEventType.userRemoved, ["user": "sam", "reason": "left"], by: "alex", sequence: 4)
        let directory = UserDirectory(events: [removed, sam, alex])
        #expect(directory.standing(of: "sam", at: VectorClock([Self.a: 3]))?.isRemoved == false, "before the removal")
        #expect(directory.standing(of: "sam", at: VectorClock([Self.a: 3, Self.b: 9]))?.isRemoved == false, "concurrent with it, at another site")
        #expect(directory.standing(of: "sam", at: VectorClock([Self.a: 4, Self.b: 9]))?.isRemoved == true, "after it")
        #expect(directory.standing(of: "sam")?.isRemoved == true)
    }

    @Test("a person rotates their own key; a colleague without the manager role cannot")
    func rotation() {
        let alex = Self.added("alex", roles: ["practice-manager"], key: Self.keyA, by: "alex", sequence: 2)
        let sam = Self.added("sam", roles: ["therapist"], key: Self.keyB, by: "alex", sequence: 3)
        let jo = Self.added("jo", roles: ["therapist"], key: Self.keyC, by: "alex", sequence: 4)
        let joRotatesSam = Self.event(SystemEventType.userKeyRotated, ["user": "sam", "publicKey": .string(Self.keyC.base64EncodedString())], by: "jo", sequence: 5)
        let samRotates = Self.event(SystemEventType.userKeyRotated, ["user": "sam", "publicKey": .string(Self.keyA.base64EncodedString())], by: "sam", sequence: 6)
        let directory = UserDirectory(events: [alex, sam, jo, joRotatesSam, samRotates])
        #expect(directory.standing(of: "sam", at: VectorClock([Self.a: 5]))?.keys == [Self.keyB])
        #expect(directory.standing(of: "sam")?.keys == [Self.keyA])
        #expect(directory.fold().ineffective.map(\.event) == [joRotatesSam.id])
    }

    @Test("the same events fold to the same directory in any arrival order (seeded)", arguments: 1...20)
    func arrivalOrder(seed: UInt64) {
        var events = [Self.added("alex", roles: ["practice-manager"], key: Self.keyA, by: "alex", origin: Self.a, sequence: 2),
                      Self.added("bea", roles: ["practice-manager"], key: Self.keyB, by: "bea", origin: Self.b, sequence: 2)]
        events.append(Self.added("sam", roles: ["therapist"], key: Self.keyC, by: "alex", origin: Self.a, sequence: 3))
        events.append(Self.event(SystemEventType.userRoleGranted, ["user": "sam", "role": "student"], by: "bea", origin: Self.b, sequence: 3, clock: [Self.a: 3]))
        events.append(Self.event(SystemEventType.userRoleRevoked, ["user": "sam", "role": "student"], by: "alex", origin: Self.a, sequence: 4, clock: [Self.b: 2]))
        events.append(Self.event(SystemEventType.userRemoved, ["user": "bea", "reason": "x"], by: "alex", origin: Self.a, sequence: 5, clock: [Self.b: 3]))
        let reference = UserDirectory(events: events).fold()
        var generator = SeededGenerator(seed: seed)
        let fold = UserDirectory(events: events.shuffled(using: &generator)).fold()
        #expect(fold.users == reference.users && fold.ineffective == reference.ineffective)
    }
}
