import ArgumentParser
import Foundation

/// A peer as `sync` and `serve --sync-with` take it: another store's directory, or the
/// `https://HOST:PORT` of its `myolog serve` — parsed where ArgumentParser reads it, so a URL that
/// does not parse is refused before anything opens.
struct PeerAddress: CustomStringConvertible, Sendable, Hashable {
    /// As given (a directory as typed; `sync` resolves it against the store).
    var text: String

    var isServer: Bool { text.lowercased().hasPrefix("https://") || text.lowercased().hasPrefix("http://") }

    /// The peer as the sync record names it: a directory by its absolute path (so `../b` and
    /// `/srv/b` are one peer), a server as `https://host:port` in lower case without a trailing
    /// slash (so `https://H:P` and `https://h:P/` are one peer too).
    var recorded: String {
        guard isServer else { return URL(fileURLWithPath: (text as NSString).expandingTildeInPath).standardizedFileURL.path }
        guard let url = URL(string: text), let scheme = url.scheme, let host = url.host else { return text }
        return "\(scheme.lowercased())://\(host.lowercased())" + (url.port.map { ":\($0)" } ?? "")
    }

    var description: String { text }

    static let accepted = "a store directory, or https://HOST:PORT of a `myolog serve`"

    /// Refuses, as `field`, peers a schedule cannot sync with every round: plain `http://` (refused
    /// now, not at every round of a service that would look active) and a peer given twice.
    static func checkScheduled(_ peers: [PeerAddress], field: String) throws {
        if let plain = peers.first(where: { $0.text.lowercased().hasPrefix("http://") }) {
            throw ValidationError("\(field): \(plain) is not accepted; accepted: https://HOST:PORT (sync never goes over plain HTTP)")
        }
        if Set(peers.map(\.recorded)).count < peers.count {
            throw ValidationError("\(field): the same peer is given twice; accepted: each peer once")
        }
    }

    /// Parses an argument or option's value, refusing it in the project's one-line form.
    static func parser(for field: String) -> @Sendable (String) throws -> PeerAddress {
        { text in
            guard !text.isEmpty, !text.contains(where: { $0.isNewline || $0 == "\0" }) else {
                throw ValidationError("\(field): \(text.debugDescription) is not accepted; accepted: \(accepted)")
            }
            let lowered = text.lowercased()
            if lowered.hasPrefix("https://") || lowered.hasPrefix("http://") {
                // http:// parses, and the sync refuses it with its reason (no plain HTTP).
                guard let url = URL(string: text), let host = url.host, !host.isEmpty, url.user == nil, url.password == nil,
                    url.path.isEmpty || url.path == "/", url.query == nil, url.fragment == nil,
                    url.port.map({ (1...65535).contains($0) }) ?? true
                else {
                    throw ValidationError("\(field): \(text) is not accepted; accepted: https://HOST:PORT with a port from 1 to 65535, e.g. https://fitzroy.clinic.lan:8417")
                }
            } else if let colon = text.firstIndex(of: ":"), text[..<colon].allSatisfy({ $0.isLetter || $0.isNumber || "+.-".contains($0) }),
                      text[text.index(after: colon)...].hasPrefix("//") {
                throw ValidationError("\(field): \(text) is not accepted; accepted: \(accepted) (no other scheme)")
            }
            return PeerAddress(text: text)
        }
    }
}
