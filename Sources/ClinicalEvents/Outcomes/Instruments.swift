import EventModel

/// The outcome measures this Myolog knows: one file per instrument version in `Instruments/`,
/// embedded in the binary at build time (so a store scores the same wherever it runs, with no
/// file to lose beside it) and read by ``Instrument/init(json:)``.
///
/// Guarantees: every file listed in ``files`` reads (a test reads them all, and that every file
/// in the directory is listed); ids and versions are unique.
public enum Instruments {
    /// Every instrument version, by id then version.
    public static let all: [Instrument] = files.map { name, bytes in
        do { return try Instrument(json: JSONParser.parse(bytes)) } catch {
            // The files are part of the build, and InstrumentTests read each: a failure here is a
            // file committed without its test run.
            preconditionFailure("Instruments/\(name) does not read: \(error)")
        }
    }.sorted { ($0.id, $0.version) < ($1.id, $1.version) }

    /// The version `version` of `id`.
    public static func instrument(_ id: String, version: Int) -> Instrument? { all.first { $0.id == id && $0.version == version } }

    /// The newest version of `id`: what a new answer set is recorded in.
    public static func latest(_ id: String) -> Instrument? { all.last { $0.id == id } }

    /// The instruments' ids, for refusals.
    public static var ids: [String] { Array(Set(all.map(\.id))).sorted() }

    /// The embedded files, by name. SwiftPM names each `PackageResources.NAME_vN_json`; a test
    /// checks this list against the directory.
    public static let files: [(name: String, bytes: [UInt8])] = [
        ("lefs.v1.json", PackageResources.lefs_v1_json), ("ndi.v1.json", PackageResources.ndi_v1_json),
        ("odi.v1.json", PackageResources.odi_v1_json), ("pcs.v1.json", PackageResources.pcs_v1_json),
        ("psfs.v1.json", PackageResources.psfs_v1_json), ("quickdash.v1.json", PackageResources.quickdash_v1_json),
        ("rmdq.v1.json", PackageResources.rmdq_v1_json), ("startback.v1.json", PackageResources.startback_v1_json),
    ]
}
