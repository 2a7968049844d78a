import Foundation
import EventModel

/// The author rules in a walk of the stored log: the same rules the receive rules apply to an
/// offered event (ReceiveLedger+Authors.swift), against the store's whole user directory — so
/// `verify` names an event whose person's signature was forged, stripped or added after the
/// fact, or that was written in the name of a user removed before it.
extension ChainCheck.Walk {
    mutating func authorProblem(_ event: EventEnvelope) -> ChainCheck.Broken? {
        if let reason = UserDirectory.refusal(of: event) { return (.badAuthor, reason) }
        if SystemEventType.nodeAuthored.contains(event.type) || !(event.authorRole != nil || run != nil || signsAuthors) {
            guard event.authorRole == nil, event.authorSignature == nil else {
                return (.badAuthor, "a node's own or an unsigned chain's event names a person's role or signature")
            }
            if let run { return (.authorNotCovered, "the run of \(run.author)'s events from sequence \(run.first) ends before it without their signature") }
            if !SystemEventType.nodeAuthored.contains(event.type) { result.unverifiedAuthors += 1 }
            return nil
        }
        guard UserName.isValid(event.author) else { return (.badAuthor, "its author \"\(event.author.prefix(40))\" is not a user name") }
        guard event.authorRole != nil else { return (.authorNotCovered, "its origin signs people's events, and this one names no author role or signature") }
        if let run, run.author != event.author {
            return (.authorNotCovered, "the run of \(run.author)'s events from sequence \(run.first) ends before it without their signature")
        }
        let (first, firstClock) = (run?.first ?? event.sequence, run?.clock ?? event.clock)
        guard let signature = event.authorSignature else {
            if event.signature != nil { return (.authorNotCovered, "its origin signed it, but \(event.author)'s run from sequence \(first) is not covered by their signature") }
            run = (event.author, first, firstClock)
            return nil
        }
        guard let standing = directory.standing(of: event.author, at: event.clock) else {
            return (.badAuthorSignature, "its author \(event.author) has no key bound at this point")
        }
        guard !standing.isRemoved else { return (.authorRemoved, "written in the name of \(event.author), removed before it") }
        guard directory.signingKeys(of: event.author, origin: event.origin, first: first, last: event.sequence, firstClock: firstClock, lastClock: event.clock).contains(where: { signature.isValid(publicKey: $0, author: event.author, origin: event.origin, first: first, hash: event.hash) }) else {
            return (.badAuthorSignature, "its author signature is not \(event.author)'s over their events from sequence \(first): altered or forged")
        }
        result.authorSignatures += 1
        (run, signsAuthors) = (nil, true)
        return nil
    }

    /// The problem of a person's run left open at the end of an origin's chain.
    func openRunProblem() -> ChainCheck.Problem? {
        guard let run, let origin else { return nil }
        return ChainCheck.Problem(.authorNotCovered, eventID: previous?.id.rawValue ?? "-", origin: origin.rawValue, sequence: run.first,
                                  reason: "\(run.author)'s events from sequence \(run.first) are not covered by their signature", found: .inStoredChain)
    }
}
