import EventLog
import EventModel
import EventSync
import Foundation
import SyncHTTP

/// Asks peers for their summaries — who they are and the head of every chain they hold — and
/// nothing else: no event, no key moves, nothing is written to either store. What `status`
/// compares with this store's heads to say what each side lacks.
///
/// Every peer is asked at once, and each answer is bounded: a peer that does not answer within
/// the time allowed is reported as such, and never holds up the others or the command. A path
/// peer is read on a thread of its own (a hung mount blocks only that thread); a server is asked
/// over mutual TLS as `sync` asks it, pinned and trusted alike.
enum PeerProbe {
    /// What asking one peer gave.
    enum Outcome: Sendable {
        case reached(PeerSummary)
        /// It could not be asked, or did not answer in time: why, in one line.
        case unreachable(String)
        /// Not asked: why (this store cannot present its certificate without `node.key`).
        case notAsked(String)
    }

    /// Asks every peer in `addresses` (a store directory or `https://HOST:PORT`, as `sync`
    /// records them) at once; each answer within `seconds`.
    static func summaries(of addresses: [String], from local: EventStore, within seconds: Double) async -> [String: Outcome] {
        await withTaskGroup(of: (String, Outcome).self) { group in
            for address in addresses {
                group.addTask { (address, await bounded(seconds, address: address, from: local)) }
            }
            var outcomes: [String: Outcome] = [:]
            for await (address, outcome) in group { outcomes[address] = outcome }
            return outcomes
        }
    }

    /// Whichever comes first: the peer's answer, or the deadline. The work left running after
    /// the deadline is abandoned (the command ends without waiting for it).
    private static func bounded(_ seconds: Double, address: String, from local: EventStore) async -> Outcome {
        let isServer = PeerAddress(text: address).isServer
        if isServer, !local.identity.canSign {
            return .notAsked("without node.key this store cannot present its certificate to a server")
        }
        return await withCheckedContinuation { continuation in
            let once = Once(continuation)
            DispatchQueue.global().asyncAfter(deadline: .now() + seconds) {
                once.resume(.unreachable("no answer within \(Self.seconds(seconds)) (stopped, unreachable or overloaded?)"))
            }
            if isServer {
                Task.detached { once.resume(await askServer(address, from: local)) }
            } else {
                // A thread of its own, not the concurrency pool: SQLite's reads block, and a
                // directory on a hung mount must not starve the other peers' tasks.
                DispatchQueue.global().async { once.resume(readDirectory(address)) }
            }
        }
    }

    private static func askServer(_ address: String, from local: EventStore) async -> Outcome {
        do {
            // Bounded by the caller's deadline, not here: whatever is in flight then is abandoned.
            // Ended as a sync of nothing, so the server logs a finished exchange.
            let certificate = try NodeCertificate(identity: local.identity)
            return .reached(try await HTTPLogPeer.withConnection(to: address, as: certificate, trusting: local.accepts) { try await $0.summary() })
        } catch {
            return .unreachable(oneLine(error))
        }
    }

    private static func readDirectory(_ address: String) -> Outcome {
        do {
            return .reached(try EventStore.summary(ofStoreAt: URL(fileURLWithPath: address)))
        } catch {
            return .unreachable(oneLine(error))
        }
    }

    static func oneLine(_ error: any Error) -> String {
        let text = (error as? any Remediable)?.commandLineText ?? "\(error)"
        return text.split(whereSeparator: \.isNewline).joined(separator: " ")
    }

    static func seconds(_ value: Double) -> String {
        value == value.rounded() ? "\(Int(value)) s" : "\(value) s"
    }

    /// Resumes a continuation once, whichever of two racers gets there first.
    private final class Once: @unchecked Sendable {
        private let lock = NSLock()
        private var continuation: CheckedContinuation<Outcome, Never>?

        init(_ continuation: CheckedContinuation<Outcome, Never>) { self.continuation = continuation }

        func resume(_ outcome: Outcome) {
            lock.lock()
            let waiting = continuation
            continuation = nil
            lock.unlock()
            waiting?.resume(returning: outcome)
        }
    }
}
