import EventModel

extension ChainSignature {
    /// `identity`'s signature over the event with this hash.
    package static func sign(_ hash: EventHash, by identity: NodeIdentity) throws -> ChainSignature {
        ChainSignature(bytes: try identity.signature(for: message(for: hash)))
    }
}
