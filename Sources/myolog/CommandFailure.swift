/// A command that could not do its work for a reason outside its input (a port taken, a
/// directory not writable): one line naming what failed, exit status 1 — not 64, which says the
/// command line itself was wrong (ArgumentParser's `ValidationError`).
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
