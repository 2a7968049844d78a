import Crypto
import Foundation

/// A file carrying events between sites with no network between them.
///
/// Format (version 2: envelopes carry their origins' signatures), UTF-8 lines: a header `{"createdAt":…,"forClock":{…}|null,"format":"myolog-bundle","origin":…,"site":…,"version":2}`,
/// then one canonical envelope per line (as `myolog log --json` prints them), per origin in
/// sequence order, then a trailer `{"events":N,"sha256":…}` whose hash covers every byte before
/// it. Export streams and renames into place when complete; import checks the whole file (trailer,
/// hash, every line canonical) before it writes anything, then stores the events in checked
/// batches like any sync. Importing the same bundle twice is a no-op.
public enum EventBundle {
    public static let format = "myolog-bundle"
    public static let version = 2

    /// Why a bundle file was refused; nothing was written.
    public struct Refusal: Error, CustomStringConvertible, Sendable {
        public var reason: String
        public var description: String { "bundle: \(reason); nothing was written" }
    }

    /// Writes every event of `store` beyond `clock` (all events when nil) to `url`: a new file,
    /// or an existing regular file when `replacing` (``AtomicFile``).
    @discardableResult
    public static func export(_ store: EventStore, beyond clock: VectorClock?, to url: URL, replacing: Bool = false, batchSize: Int = 1000) throws -> Int {
        try AtomicFile.write(to: url, replacing: replacing) { handle in
            try write(store, beyond: clock, to: handle, batchSize: batchSize)
        }
    }

    private static func write(_ store: EventStore, beyond clock: VectorClock?, to handle: FileHandle, batchSize: Int) throws -> Int {
        var hasher = SHA256()
        var buffer: [UInt8] = []
        func emit(_ bytes: [UInt8]) throws {
            hasher.update(data: bytes)
            buffer.append(contentsOf: bytes)
            buffer.append(UInt8(ascii: "\n"))
            hasher.update(data: [UInt8(ascii: "\n")])
            if buffer.count >= 1 << 16 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
        }
        try emit(JSONValue.object([
            "format": .string(format), "version": .int(version), "origin": .string(store.identity.nodeID.rawValue),
            "site": .string(store.identity.site), "createdAt": .string(store.wallClock.now().description), "forClock": clock?.json ?? .null,
        ]).canonicalBytes)
        let offer = try store.read { try $0.clock() }
        var count = 0
        for origin in offer.entries.keys.sorted() {
            var after = clock?[origin] ?? 0
            while after < offer[origin] {
                let batch = try store.read { try $0.events(origin: origin, after: after, limit: batchSize) }
                guard let last = batch.last else { break }
                for event in batch { try emit(event.canonicalBytes(includingHash: true)) }
                count += batch.count
                after = last.sequence
            }
        }
        let digest = Hex.encode(hasher.finalize())
        buffer.append(contentsOf: JSONValue.object(["events": .int(count), "sha256": .string(digest)]).canonicalBytes)
        buffer.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: buffer)
        return count
    }

    /// Checks the whole bundle, then offers its events to `store` in batches that each commit in
    /// their own transaction. Events beyond a gap in this store's chains are held back until the
    /// missing ones arrive; events that contradict the chains held are quarantined as forks.
    public static func `import`(_ url: URL, into store: EventStore, batchSize: Int = 1000) throws -> ReceiveSummary {
        _ = try check(url)
        var total = ReceiveSummary()
        var batch: [EventEnvelope] = []
        func flush(everything: Bool) throws {
            while !batch.isEmpty, everything || batch.count >= batchSize {
                let count = batch.committableCount(limit: batchSize, everything: everything)
                guard count > 0 else { return }
                total.add(try store.receiveBatch(Array(batch[..<count])))
                batch.removeFirst(count)
            }
        }
        try forEachLine(url) { index, line, isLast in
            guard index > 0, !isLast else { return }
            batch.append(try envelope(line, index: index))
            if batch.count >= batchSize { try flush(everything: false) }
        }
        try flush(everything: true)
        return total
    }

    /// What a checked bundle holds.
    public struct Contents: Sendable {
        public var events: Int
    }

    /// Verifies format, trailer count and hash, and that every event line is a canonical envelope
    /// following the previous one of its origin.
    public static func check(_ url: URL) throws -> Contents {
        var hasher = SHA256()
        var lastSequence: [NodeID: Int] = [:]
        var header: JSONValue?
        var trailer: JSONValue?
        var events = 0
        try forEachLine(url) { index, line, isLast in
            if isLast {
                trailer = try? JSONParser.parse(line)
                return
            }
            hasher.update(data: line)
            hasher.update(data: [UInt8(ascii: "\n")])
            if index == 0 {
                header = try? JSONParser.parse(line)
            } else {
                let event = try envelope(line, index: index)
                // `sequence - 1`, not `last + 1`: a hostile file's Int.max must not trap the reader.
                if let last = lastSequence[event.origin], event.sequence - 1 != last {
                    throw Refusal(reason: "line \(index + 1): origin \(event.origin) jumps from sequence \(last) to \(event.sequence)")
                }
                lastSequence[event.origin] = event.sequence
                events += 1
            }
        }
        guard let fields = header?.objectValue, fields["format"] == .string(format) else { throw Refusal(reason: "not a Myolog bundle (no header)") }
        guard fields["version"] == .int(version) else { throw Refusal(reason: "version \(fields["version"]?.canonicalString ?? "?") is not supported (this build reads \(version))") }
        guard let end = trailer?.objectValue, let count = end["events"]?.intValue, let digest = end["sha256"]?.stringValue else {
            throw Refusal(reason: "truncated: the trailer line is missing")
        }
        guard count == events else { throw Refusal(reason: "truncated or corrupted: the trailer counts \(count) events, the file holds \(events)") }
        guard digest == Hex.encode(hasher.finalize()) else { throw Refusal(reason: "corrupted: the SHA-256 of its contents does not match its trailer") }
        return Contents(events: events)
    }

    static func envelope(_ line: [UInt8], index: Int) throws -> EventEnvelope {
        do { return try EventEnvelope(canonicalLine: line) } catch { throw Refusal(reason: "line \(index + 1): \(error)") }
    }

    /// Streams the file's lines (without their newline); `isLast` marks the final line. A file
    /// must end with a newline: one that does not was cut off.
    static func forEachLine(_ url: URL, _ body: (Int, [UInt8], Bool) throws -> Void) throws {
        var status = stat()
        guard stat(url.path, &status) == 0 else { throw Refusal(reason: "cannot read \(url.path): \(String(cString: strerror(errno)))") }
        guard status.st_mode & S_IFMT == S_IFREG else { throw Refusal(reason: "\(url.path) is not a file (a bundle is one file, as a bundle export writes it)") }
        guard let handle = try? FileHandle(forReadingFrom: url) else { throw Refusal(reason: "cannot read \(url.path)") }
        defer { try? handle.close() }
        var pending: [UInt8] = []
        var held: [UInt8]?
        var index = 0
        while let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty {
            pending.append(contentsOf: chunk)
            var start = 0
            while let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                if let previous = held { try body(index, previous, false); index += 1 }
                held = Array(pending[start..<newline])
                start = newline + 1
            }
            pending.removeFirst(start)
            guard pending.count <= 16 << 20 else { throw Refusal(reason: "line \(index + 2) is longer than 16 MiB") }
        }
        guard pending.isEmpty else { throw Refusal(reason: "truncated: the file does not end with a complete line") }
        guard let last = held else { throw Refusal(reason: "the file is empty") }
        try body(index, last, true)
    }
}
