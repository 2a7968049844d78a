import Crypto
import Foundation
import EventModel
import EventCrypto
import EventSync

/// A file carrying events between sites with no network between them.
///
/// Format (version 3: payloads about patients are sealed, and a bundle may carry their keys),
/// UTF-8 lines: a header `{"createdAt":…,"for":NODEID|null,"forClock":{…}|null,"format":"myolog-bundle","origin":…,"site":…,"version":3}`,
/// then one canonical envelope per line (the stored form `myolog log --json` prints, without
/// `openedPayload`), per origin in sequence order, then — only in a bundle made `for` a node —
/// one line `{"key":{…}}` per patient (``SealedPatientKey``, sealed to that node alone), then a
/// trailer `{"events":N,"keys":K,"sha256":…}` whose hash covers every byte before it. A bundle
/// without keys still carries every event, unreadable until the keys arrive by another sync. Export streams and renames into place when complete; import checks the whole file (trailer,
/// hash, every line canonical) before it writes anything, then stores the events in checked
/// batches like any sync. Importing the same bundle twice is a no-op.
public enum EventBundle {
    public static let format = "myolog-bundle"
    public static let version = 3

    /// Why a bundle file was refused; nothing was written.
    public struct Refusal: CodedError, Sendable {
        /// Why. Codes are stable: scripts and tests match them, so one is never renamed nor
        /// reused for another meaning.
        public enum Code: String, Sendable, Hashable, CaseIterable {
            /// Export `for` a node that is not a trusted peer whose enrolment this store holds.
            case unknownRecipient
            /// The bundle's keys are sealed for another node.
            case sealedForAnotherNode
            /// The file cannot be read, or is not one regular file.
            case unreadable
            /// The file is empty, or has no bundle header.
            case notABundle
            /// A bundle format version this build does not read.
            case unsupportedVersion
            /// A line that is not a canonical envelope or key, or is out of place.
            case malformedLine
            /// An origin's events skip a sequence.
            case sequenceGap
            /// A line longer than a bundle line may be.
            case lineTooLong
            /// The file ends early: no trailer, or no complete last line.
            case truncated
            /// The trailer's counts or hash do not match the file's contents.
            case corrupted
        }

        public var code: Code
        public var reason: String
        public var description: String { "bundle: \(reason); nothing was written" }
    }

    /// Writes every event of `store` beyond `clock` (all events when nil) to `url`: a new file,
    /// or an existing regular file when `replacing` (``AtomicFile``).
    @discardableResult
    /// With `recipient`, the keys of every patient the bundle carries events of, sealed to that
    /// node: it must be a node this store trusts and holds the enrolment of (refused otherwise,
    /// before anything is written).
    /// `disclosing` is told the patients whose events the bundle carries once it is written and
    /// before it appears under its name: a throw there leaves no bundle (the CLI records the
    /// disclosure in it, failing closed).
    public static func export(_ store: EventStore, beyond clock: VectorClock?, for recipient: NodeID? = nil, to url: URL, replacing: Bool = false,
                              batchSize: Int = 1000, disclosing: ([PatientID]) throws -> Void = { _ in }) throws -> Int {
        if let recipient {
            let known = try store.read { reader in
                try reader.trust(of: recipient) == .trusted
                    && Data.fetchOne(reader.db, sql: "SELECT agreementKey FROM nodes WHERE id = ?", arguments: [recipient.rawValue]) != nil
            }
            guard known else {
                throw Refusal(code: .unknownRecipient, reason: "for: node \(recipient) is not a trusted peer whose enrolment this store holds (add it with `peer add`, and sync or import its events once)")
            }
        }
        return try AtomicFile.write(to: url, replacing: replacing) { handle in
            let (count, patients) = try write(store, beyond: clock, for: recipient, to: handle, batchSize: batchSize)
            try disclosing(patients)
            return count
        }
    }

    private static func write(_ store: EventStore, beyond clock: VectorClock?, for recipient: NodeID?, to handle: FileHandle, batchSize: Int) throws -> (events: Int, patients: [PatientID]) {
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
            "for": recipient.map { .string($0.rawValue) } ?? .null,
        ]).canonicalBytes)
        let offer = try store.read { try $0.clock() }
        var count = 0
        var patients = Set<PatientID>()
        for origin in offer.entries.keys.sorted() {
            var after = clock?[origin] ?? 0
            while after < offer[origin] {
                let batch = try store.read { try $0.events(origin: origin, after: after, limit: batchSize) }
                guard let last = batch.last else { break }
                for event in batch {
                    try emit(event.canonicalBytes(includingHash: true))
                    if event.isSealed, let patient = event.patient { patients.insert(patient) }
                }
                count += batch.count
                after = last.sequence
            }
        }
        var keys = 0
        if let recipient {
            let sealed = try store.read { try $0.sealedKeys(for: patients.sorted(), to: recipient) }
            for key in sealed { try emit(JSONValue.object(["key": key.json]).canonicalBytes) }
            keys = sealed.count
        }
        let digest = Hex.encode(hasher.finalize())
        buffer.append(contentsOf: JSONValue.object(["events": .int(count), "keys": .int(keys), "sha256": .string(digest)]).canonicalBytes)
        buffer.append(UInt8(ascii: "\n"))
        try handle.write(contentsOf: buffer)
        return (count, patients.sorted())
    }

    /// Checks the whole bundle, then offers its events to `store` in batches that each commit in
    /// their own transaction. Events beyond a gap in this store's chains are held back until the
    /// missing ones arrive; events that contradict the chains held are quarantined as forks.
    ///
    /// Keys (sealed to this node: a bundle made for another node is refused before anything is
    /// written) go with the first batch that carries events of their patient this log cannot
    /// read yet, in its transaction — as a sync sends them — so each patient's views are folded
    /// readable once, not folded unreadable and then again from the log. Each is checked against
    /// the patient's events. The keys no batch took (patients erased here, or whose events were
    /// already here, or are still held back) are offered at the end, in one transaction.
    public static func `import`(_ url: URL, into log: some LocalLog, batchSize: Int = 1000) async throws -> ReceiveSummary {
        let contents = try check(url)
        let node = log.identity.nodeID
        if let other = contents.recipients.first(where: { $0 != node }) {
            throw Refusal(code: .sealedForAnotherNode, reason: "its keys are sealed for node \(other), not this node (\(node)); ask for a bundle made with `bundle export --for \(node)`")
        }
        var total = ReceiveSummary()
        var keys = contents.keys
        func flush(_ batch: inout [EventEnvelope], everything: Bool) async throws {
            try await batch.commitSigned(limit: batchSize, everything: everything) { events in
                let lacking = try await keys.isEmpty ? [] : log.patientsLackingKeys(in: events)
                let offered = lacking.flatMap { keys.removeValue(forKey: $0) ?? [] }
                total.add(try await log.receive(events, keys: offered))
            }
        }
        // Lines are parsed into envelopes on a second core while the batch before them commits.
        var batch: [EventEnvelope] = [], lines: [(index: Int, line: [UInt8])] = []
        var parsing: Task<[EventEnvelope], any Error>?
        func parseThenCommitPrevious() async throws {
            let chunk = lines
            lines = []
            let previous = parsing
            parsing = chunk.isEmpty ? nil : Task { try chunk.map { try envelope($0.line, index: $0.index) } }
            if let previous {
                batch += try await previous.value
                try await flush(&batch, everything: false)
            }
        }
        do {
            var reader = try Lines(url)
            while let (index, line, isLast) = try reader.next() {
                guard index > 0, !isLast, !line.starts(with: keyLinePrefix) else { continue }  // keys: read by `check`
                lines.append((index, line))
                if lines.count >= batchSize { try await parseThenCommitPrevious() }
            }
            try await parseThenCommitPrevious()
            if let last = parsing.take() { batch += try await last.value }
        } catch {
            // Nothing left running behind the caller's back.
            _ = await parsing?.result
            throw error
        }
        try await flush(&batch, everything: true)
        // A key offered with its batch is not kept while none of its patient's sealed events
        // was stored (held back, say): offered again, with the keys no batch took.
        for patient in try await log.patientsWithoutKeys() where keys[patient] == nil {
            if let key = contents.keys[patient] { keys[patient] = key }
        }
        if !keys.isEmpty {
            var rest = ReceiveSummary()
            rest.keys = try await log.receiveKeys(keys.keys.sorted().flatMap { keys[$0]! })
            total.add(rest)
        }
        return total
    }

    static let keyLinePrefix = Array(#"{"key":"#.utf8)

    /// The key a `{"key":{…}}` line carries, or nil for any other line.
    static func keyLine(_ line: [UInt8], index: Int) throws -> SealedPatientKey? {
        guard line.starts(with: keyLinePrefix) else { return nil }
        do { return try SealedPatientKey(json: JSONParser.parse(line).objectValue?["key"] ?? .null) } catch { throw Refusal(code: .malformedLine, reason: "line \(index + 1): \(error)") }
    }

    /// What a checked bundle holds.
    public struct Contents: Sendable {
        public var events: Int
        /// The nodes its keys are sealed to (none, or the one it was made for).
        public var recipients: Set<NodeID> = []
        /// The keys it carries, by patient, in the order of their lines.
        public var keys: [PatientID: [SealedPatientKey]] = [:]
    }

    /// Verifies format, trailer count and hash, and that every event line is a canonical envelope
    /// following the previous one of its origin.
    ///
    /// Event lines are parsed on a second core, a chunk at a time, while this thread reads and
    /// hashes the next; what is refused is still the first refusal in line order.
    public static func check(_ url: URL) throws -> Contents {
        var hasher = SHA256()
        var lastSequence: [NodeID: Int] = [:]
        var header: JSONValue?
        var trailer: JSONValue?
        var events = 0
        var recipients = Set<NodeID>()
        var keys: [PatientID: [SealedPatientKey]] = [:]
        var keyCount = 0
        let parsing = EventLinesPipeline()
        func follow(_ parsed: [EventLinesPipeline.Chunk]) throws {
            for chunk in parsed {
                for (index, origin, sequence) in chunk.places {
                    // `sequence - 1`, not `last + 1`: a hostile file's Int.max must not trap the reader.
                    if let last = lastSequence[origin], sequence - 1 != last {
                        throw Refusal(code: .sequenceGap, reason: "line \(index + 1): origin \(origin) jumps from sequence \(last) to \(sequence)")
                    }
                    lastSequence[origin] = sequence
                    events += 1
                }
                if let refusal = chunk.refusal { throw refusal }
            }
        }
        var followed = false
        do {
            try forEachLine(url) { index, line, isLast in
                if isLast {
                    trailer = try? JSONParser.parse(line)
                    return
                }
                hasher.update(data: line)
                hasher.update(data: [UInt8(ascii: "\n")])
                if index == 0 {
                    header = try? JSONParser.parse(line)
                } else if let key = try keyLine(line, index: index) {
                    recipients.insert(key.recipient)
                    keys[key.patient, default: []].append(key)
                    keyCount += 1
                } else {
                    guard keyCount == 0 else { throw Refusal(code: .malformedLine, reason: "line \(index + 1): an event after the keys") }
                    let parsed = parsing.add(index, line)
                    followed = true
                    try follow(parsed)
                    followed = false
                }
            }
        } catch {
            // A refusal of an earlier line, still being parsed, comes first — unless the refusal
            // came from following the parsed lines in order: it is then the earliest, and the
            // later chunks (past where `follow` stopped) must not be followed.
            let parsedLater = parsing.finish()
            if !followed { try follow(parsedLater) }
            throw error
        }
        try follow(parsing.finish())
        guard let fields = header?.objectValue, fields["format"] == .string(format) else { throw Refusal(code: .notABundle, reason: "not a Myolog bundle (no header)") }
        guard fields["version"] == .int(version) else { throw Refusal(code: .unsupportedVersion, reason: "version \(fields["version"]?.canonicalString ?? "?") is not supported (this build reads \(version))") }
        guard let end = trailer?.objectValue, let count = end["events"]?.intValue, let digest = end["sha256"]?.stringValue else {
            throw Refusal(code: .truncated, reason: "truncated: the trailer line is missing")
        }
        guard count == events, end["keys"]?.intValue == keyCount else {
            throw Refusal(code: .corrupted, reason: "truncated or corrupted: the trailer counts \(count) events and \(end["keys"]?.intValue ?? 0) keys, the file holds \(events) and \(keyCount)")
        }
        guard digest == Hex.encode(hasher.finalize()) else { throw Refusal(code: .corrupted, reason: "corrupted: the SHA-256 of its contents does not match its trailer") }
        return Contents(events: events, recipients: recipients, keys: keys)
    }

    static func envelope(_ line: [UInt8], index: Int) throws -> EventEnvelope {
        do { return try EventEnvelope(canonicalLine: line) } catch { throw Refusal(code: .malformedLine, reason: "line \(index + 1): \(error)") }
    }

    /// Streams the file's lines (without their newline); `isLast` marks the final line. A file
    /// must end with a newline: one that does not was cut off.
    static func forEachLine(_ url: URL, _ body: (Int, [UInt8], Bool) throws -> Void) throws {
        var lines = try Lines(url)
        while let (index, line, isLast) = try lines.next() { try body(index, line, isLast) }
    }

    /// A bundle file's lines, read a chunk at a time as they are asked for — so a reader that
    /// awaits between lines (an import into a hub) holds one chunk, never the file.
    struct Lines: ~Copyable {
        private let handle: FileHandle
        private let path: String
        private var pending: [UInt8] = []
        private var start = 0
        private var held: [UInt8]?
        private var index = 0
        private var ended = false

        init(_ url: URL) throws {
            var status = stat()
            guard stat(url.path, &status) == 0 else { throw Refusal(code: .unreadable, reason: "cannot read \(url.path): \(String(cString: strerror(errno)))") }
            guard status.st_mode & S_IFMT == S_IFREG else { throw Refusal(code: .unreadable, reason: "\(url.path) is not a file (a bundle is one file, as a bundle export writes it)") }
            guard let handle = try? FileHandle(forReadingFrom: url) else { throw Refusal(code: .unreadable, reason: "cannot read \(url.path)") }
            self.handle = handle
            self.path = url.path
        }

        deinit { try? handle.close() }

        /// The next line with its index and whether it is the last, or nil after the last.
        mutating func next() throws -> (Int, [UInt8], Bool)? {
            guard !ended else { return nil }
            while true {
                if let newline = pending[start...].firstIndex(of: UInt8(ascii: "\n")) {
                    let line = Array(pending[start..<newline])
                    start = newline + 1
                    guard let previous = held else { held = line; continue }
                    held = line
                    defer { index += 1 }
                    return (index, previous, false)
                }
                pending.removeFirst(start)
                start = 0
                guard pending.count <= 16 << 20 else { throw Refusal(code: .lineTooLong, reason: "line \(index + 2) is longer than 16 MiB") }
                guard let chunk = try handle.read(upToCount: 1 << 16), !chunk.isEmpty else { break }
                pending.append(contentsOf: chunk)
            }
            ended = true
            guard pending.isEmpty else { throw Refusal(code: .truncated, reason: "truncated: the file does not end with a complete line") }
            guard let last = held else { throw Refusal(code: .notABundle, reason: "the file is empty") }
            return (index, last, true)
        }
    }
}
