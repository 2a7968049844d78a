import Foundation

extension GlobalOptions {
    /// One line beside what a write printed — a precaution alert acknowledged, a precaution to
    /// consider: on stdout for people, on stderr with --json, so stdout stays one JSON document.
    func printNotice(_ line: String) {
        if json {
            FileHandle.standardError.write(Data((line + "\n").utf8))
        } else {
            print(line)
        }
    }
}
