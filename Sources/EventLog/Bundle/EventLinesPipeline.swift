import Dispatch
import EventModel

/// A bundle's event lines parsed on both cores while the thread that reads the file hashes the
/// next ones (``EventBundle/check(_:)``): parsing every line is most of a check.
///
/// Lines are handed over a chunk at a time and come back in the order given, each chunk as the
/// places (origin, sequence) of its lines up to the first refused one and that refusal: so the
/// caller sees refusals in line order, exactly as if it parsed every line itself, whichever
/// thread parsed which chunk. At most three chunks are held at once.
final class EventLinesPipeline {
    /// One chunk as parsed: the lines' places, then the refusal of the first line not read.
    final class Chunk: @unchecked Sendable {
        fileprivate let done = DispatchSemaphore(value: 0)
        /// Written by the worker before `done` is signalled, read after it is waited for.
        fileprivate(set) var places: [(index: Int, origin: NodeID, sequence: Int)] = []
        fileprivate(set) var refusal: (any Error)?
    }

    static let chunkSize = 1000
    private let workers = DispatchQueue(label: "myolog.bundle-check", attributes: .concurrent)
    private var lines: [(index: Int, line: [UInt8])] = []
    private var inFlight: [Chunk] = []

    /// Adds line `index`; returns the chunks parsed meanwhile, in order (often none).
    func add(_ index: Int, _ line: [UInt8]) -> [Chunk] {
        lines.append((index, line))
        guard lines.count >= Self.chunkSize else { return [] }
        send()
        guard inFlight.count > 2 else { return [] }
        let oldest = inFlight.removeFirst()
        oldest.done.wait()
        return [oldest]
    }

    /// Parses what is left and waits for every chunk: all of them, in order.
    func finish() -> [Chunk] {
        send()
        defer { inFlight = [] }
        for chunk in inFlight { chunk.done.wait() }
        return inFlight
    }

    private func send() {
        guard !lines.isEmpty else { return }
        let (chunk, given) = (Chunk(), lines)
        lines = []
        workers.async {
            for (index, line) in given {
                do {
                    let event = try EventBundle.envelope(line, index: index)
                    chunk.places.append((index, event.origin, event.sequence))
                } catch {
                    chunk.refusal = error
                    break
                }
            }
            chunk.done.signal()
        }
        inFlight.append(chunk)
    }
}
