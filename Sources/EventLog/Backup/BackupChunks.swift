import Crypto
import Foundation
import EventModel

/// The body of a backup file: the plaintext cut into chunks of the header's size, each sealed
/// with AES-256-GCM under the file's chunk key and written as `final flag (1 byte) · ciphertext
/// length (4 bytes) · ciphertext · tag (16 bytes)`.
///
/// Guarantees: the nonce of chunk i is i (8 bytes) followed by the final flag, and the header is
/// every chunk's associated data, so a chunk altered, moved, repeated, dropped or taken from
/// another file fails authentication; the last chunk alone carries the final flag and nothing may
/// follow it, so a file cut at any byte — even between two chunks — is refused as truncated.
/// The key is new for every file (a fresh salt), so nonces never repeat under one key. Memory
/// stays at about two chunks whatever the store's size.
struct BackupChunks {
    static let tagSize = 16

    static func nonce(_ index: UInt64, final: Bool) throws -> AES.GCM.Nonce {
        try AES.GCM.Nonce(data: withUnsafeBytes(of: index.bigEndian, Array.init) + [0, 0, 0, final ? 1 : 0])
    }

    /// Seals plaintext into chunks as it comes.
    struct Sealer {
        let key: SymmetricKey
        let header: BackupHeader
        let handle: FileHandle
        private var buffer: [UInt8] = []
        private var index: UInt64 = 0

        init(key: SymmetricKey, header: BackupHeader, handle: FileHandle) {
            self.key = key
            self.header = header
            self.handle = handle
            buffer.reserveCapacity(2 * header.chunkSize)
        }

        /// Adds plaintext; writes every chunk it completes except the last (which might be final).
        mutating func write(_ bytes: some Collection<UInt8>) throws {
            buffer.append(contentsOf: bytes)
            while buffer.count > header.chunkSize {
                try seal(buffer[..<header.chunkSize], final: false)
                buffer.removeFirst(header.chunkSize)
            }
        }

        /// Writes what remains as the final chunk (empty if the plaintext ended on a chunk's end).
        mutating func finish() throws {
            try seal(buffer[...], final: true)
            buffer = []
        }

        private mutating func seal(_ plaintext: ArraySlice<UInt8>, final: Bool) throws {
            let box = try AES.GCM.seal(plaintext, using: key, nonce: BackupChunks.nonce(index, final: final), authenticating: header.bytes)
            var frame: [UInt8] = [final ? 1 : 0]
            frame += withUnsafeBytes(of: UInt32(box.ciphertext.count).bigEndian, Array.init)
            try handle.write(contentsOf: frame)
            try handle.write(contentsOf: box.ciphertext)
            try handle.write(contentsOf: box.tag)
            index += 1
        }
    }

    /// Opens the chunks of a file in order, refusing the first that fails.
    struct Opener {
        let key: SymmetricKey
        let header: BackupHeader
        let handle: FileHandle
        /// Names the file in a refusal.
        let field: String
        let path: String
        private var index: UInt64 = 0
        private var finished = false

        init(key: SymmetricKey, header: BackupHeader, handle: FileHandle, field: String, path: String) {
            self.key = key
            self.header = header
            self.handle = handle
            self.field = field
            self.path = path
        }

        private func refuse(_ what: String) -> EventLogError {
            .invalidField(field: field, value: path, accepted: "a Myolog backup whole and as written; \(what)")
        }

        /// Exactly `count` bytes, or fewer at the end of the file.
        private func read(_ count: Int) throws -> [UInt8] {
            var bytes: [UInt8] = []
            while bytes.count < count {
                guard let data = try handle.read(upToCount: count - bytes.count), !data.isEmpty else { break }
                bytes += data
            }
            return bytes
        }

        /// The next chunk's plaintext; nil once the final chunk was read and nothing follows it.
        mutating func next() throws -> [UInt8]? {
            guard !finished else { return nil }
            let number = index + 1
            let frame = try read(5)
            guard frame.count == 5 else { throw refuse("it ends before its last chunk (truncated after chunk \(index))") }
            guard frame[0] <= 1 else { throw refuse("chunk \(number) is not framed as a chunk (altered or damaged after it was written)") }
            let length = Int(frame[1...].reduce(UInt32(0)) { $0 << 8 | UInt32($1) })
            guard length <= header.chunkSize else { throw refuse("chunk \(number) states a length beyond the header's chunk size (altered or damaged after it was written)") }
            let body = try read(length + BackupChunks.tagSize)
            guard body.count == length + BackupChunks.tagSize else { throw refuse("it ends inside chunk \(number) (truncated)") }
            let final = frame[0] == 1
            let plaintext: Data
            do {
                let box = try AES.GCM.SealedBox(nonce: BackupChunks.nonce(index, final: final), ciphertext: body[..<length], tag: body[length...])
                plaintext = try AES.GCM.open(box, using: key, authenticating: header.bytes)
            } catch {
                throw refuse("chunk \(number) fails authentication (altered or damaged after it was written)")
            }
            index += 1
            if final {
                finished = true
                guard try read(1).isEmpty else { throw refuse("bytes follow its last chunk (altered, or another file appended)") }
            }
            return Array(plaintext)
        }
    }
}
