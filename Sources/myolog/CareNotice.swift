import Foundation

extension GlobalOptions {
    /// One line beside what a write printed — a precaution alert acknowledged, a precaution to
    /// consider — on stderr, where a person sees it and a script does not mistake it for output:
    /// stdout keeps the new id as its last word (or one JSON document with --json).
    func printNotice(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
