import Foundation
import GRDB
import EventModel

/// What a backup holds, as its first sealed bytes say: the node and site, when it was taken,
/// how many events, this node's chain head and signed head, the patients whose keys it holds,
/// and the files of the store directory that follow, in order, with their sizes.
///
/// Guarantees: read from the copy itself (not from the live store), so it describes exactly the
/// bytes that follow; it names only the store's own files, and a restore writes no other name.
public struct BackupManifest: Sendable, Equatable {
    /// One file of the store directory and its size in bytes.
    public struct File: Sendable, Equatable {
        public var name: String
        public var bytes: Int
    }

    public var node: NodeID
    public var site: String
    /// When the copy of the database was taken (the store's clock).
    public var takenAt: Timestamp
    /// Every event in the copy, of every origin.
    public var events: Int
    /// This node's own chain in the copy ends at this sequence.
    public var ownHead: Int
    /// The sequence `node.head` records as this node's last signed head (at most ``ownHead``).
    public var signedHead: Int?
    /// The patients whose keys the copy holds: everyone whose record it can read.
    public var patients: [PatientID]
    /// Patients erased before the copy (their keys already destroyed in it).
    public var erasedPatients: Int
    public var files: [File]

    /// The names a backup may carry: the store directory's own files, nothing else.
    public static let fileNames = [EventStore.keyFileName, SignedHead.fileName, TrustHead.fileName, EventStore.databaseFileName]

    var json: JSONValue {
        .object([
            "format": "myolog-store-backup",
            "node": .string(node.rawValue), "site": .string(site), "takenAt": .string(takenAt.description),
            "events": .int(events), "ownHead": .int(ownHead), "signedHead": signedHead.map(JSONValue.int) ?? .null,
            "patients": .array(patients.map { .string($0.rawValue) }), "erasedPatients": .int(erasedPatients),
            "files": .array(files.map { .object(["name": .string($0.name), "bytes": .int($0.bytes)]) }),
        ])
    }

    init(node: NodeID, site: String, takenAt: Timestamp, events: Int, ownHead: Int, signedHead: Int?, patients: [PatientID], erasedPatients: Int,
         files: [File]) {
        self.node = node
        self.site = site
        self.takenAt = takenAt
        self.events = events
        self.ownHead = ownHead
        self.signedHead = signedHead
        self.patients = patients
        self.erasedPatients = erasedPatients
        self.files = files
    }

    /// The manifest of a snapshot directory (``EventStore/takeSnapshot()``), read from its files.
    init(describing snapshot: URL, takenAt: Timestamp) throws {
        let queue = try DatabaseQueue(path: snapshot.appendingPathComponent(EventStore.databaseFileName).path)
        defer { try? queue.close() }
        let read = try queue.read { db -> (Row?, Int, [String], Int) in
            let local = try Row.fetchOne(db, sql: "SELECT id, site, publicKey FROM nodes WHERE isLocal = 1")
            let ownHead = try Int.fetchOne(db, sql: "SELECT max(sequence) FROM events WHERE origin = (SELECT id FROM nodes WHERE isLocal = 1)") ?? 0
            let patients = try String.fetchAll(db, sql: "SELECT patient FROM patient_keys ORDER BY patient")
            let erased = try Int.fetchOne(db, sql: "SELECT count(*) FROM erased_patients") ?? 0
            return (local, ownHead, patients, erased)
        }
        let events = try queue.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM events") ?? 0 }
        guard let local = read.0, let node = NodeID(local["id"] as String? ?? ""), let site = local["site"] as String?, let publicKey = local["publicKey"] as Data? else {
            throw EventLogError.damagedStore(path: snapshot.deletingLastPathComponent().path, reason: "the database names no local node")
        }
        let signed = try? SignedHead.read(in: snapshot, publicKey: publicKey)
        var files: [File] = []
        for name in Self.fileNames {
            var status = stat()
            guard stat(snapshot.appendingPathComponent(name).path, &status) == 0 else { continue }
            files.append(File(name: name, bytes: Int(status.st_size)))
        }
        self.init(node: node, site: site, takenAt: takenAt, events: events, ownHead: read.1, signedHead: signed?.head.sequence,
                  patients: read.2.compactMap(PatientID.init), erasedPatients: read.3, files: files)
    }

    /// Parses the manifest a backup's plaintext begins with; nil if it is not one this build reads.
    init?(json bytes: [UInt8]) {
        guard case .object(let members)? = try? JSONParser.parse(bytes), members["format"] == "myolog-store-backup",
            let node = members["node"]?.stringValue.flatMap(NodeID.init), let site = members["site"]?.stringValue,
            let takenAt = members["takenAt"]?.stringValue.flatMap(Timestamp.init(rfc3339:)),
            let events = members["events"]?.intValue, let ownHead = members["ownHead"]?.intValue,
            let patients = members["patients"]?.arrayValue?.map({ $0.stringValue.flatMap(PatientID.init) }), !patients.contains(nil),
            let erased = members["erasedPatients"]?.intValue,
            let files = members["files"]?.arrayValue?.map({ file -> File? in
                guard let name = file.objectValue?["name"]?.stringValue, Self.fileNames.contains(name),
                    let bytes = file.objectValue?["bytes"]?.intValue, bytes >= 0
                else { return nil }
                return File(name: name, bytes: bytes)
            }), !files.contains(nil),
            Set(files.map { $0!.name }).count == files.count, files.contains(where: { $0?.name == EventStore.databaseFileName })
        else { return nil }
        self.init(node: node, site: site, takenAt: takenAt, events: events, ownHead: ownHead, signedHead: members["signedHead"]?.intValue,
                  patients: patients.compactMap { $0 }, erasedPatients: erased, files: files.compactMap { $0 })
    }
}
