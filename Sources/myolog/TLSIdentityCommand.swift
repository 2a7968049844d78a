import ArgumentParser
import EventLog
import Foundation
import SyncHTTP

struct TLSIdentityCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tls-identity",
        abstract: "Write this node's TLS client certificate and private key as PEM, for tools that call a `myolog serve`.",
        discussion: """
            Writes DIR/certificate.pem (a fresh self-signed certificate for the node key) and
            DIR/private-key.pem (the node's Ed25519 key, mode 0600) into a new directory (mode
            0700). A server admits the certificate exactly when it trusts this node. For API
            checkers and scripts (Tools/check-api.py, Tools/schemathesis.sh); `myolog sync` needs
            none of this. The key is the node's own: keep the directory as private as the store.

            Examples:
              myolog tls-identity --out /tmp/myolog-tls
              python3 Tools/check-api.py https://127.0.0.1:8417 --cert /tmp/myolog-tls/certificate.pem --key /tmp/myolog-tls/private-key.pem
            """)

    @OptionGroup var global: GlobalOptions
    @Option(help: ArgumentHelp("A directory that does not exist yet.", valueName: "dir")) var out: String

    func validate() throws {
        guard !FileManager.default.fileExists(atPath: out) else {
            throw ValidationError("out: \(out) already exists; accepted: a path where a new directory can be made")
        }
    }

    func run() throws {
        let store = try global.openStore()
        let certificate = try NodeCertificate(identity: store.identity)
        let directory = URL(fileURLWithPath: (out as NSString).expandingTildeInPath)
        try AtomicFile.refuseInsideStore(directory)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: false, attributes: [.posixPermissions: 0o700])
        guard FileManager.default.createFile(atPath: directory.appendingPathComponent("private-key.pem").path,
                                             contents: Data(try NodeCertificate.privateKeyPEM(identity: store.identity).utf8), attributes: [.posixPermissions: 0o600]),
            FileManager.default.createFile(atPath: directory.appendingPathComponent("certificate.pem").path,
                                           contents: Data(certificate.certificatePEM.utf8), attributes: [.posixPermissions: 0o644])
        else { throw ValidationError("out: could not write into \(out)") }
        print("Wrote \(out)/certificate.pem and \(out)/private-key.pem for node \(store.identity.nodeID)")
    }
}
