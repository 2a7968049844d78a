import ArgumentParser
import ClinicalEvents
import ClinicalLog
import EventLog
import EventModel

struct RecordMeasurementCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "measurement",
        abstract: "Record an objective test: a range of motion or strength, or a special test's result.",
        discussion: """
            A test with units (`myolog vocabulary measurement-tests`) takes --value, in its usual
            unit unless --unit names another of its units; a special test (Spurling's, slump,
            FABER…) takes --result positive or negative.

            Examples:
              myolog record measurement 3f2a9c1b --test cervical-rotation --side right --value 55
              myolog record measurement 3f2a9c1b --test lumbar-flexion --value 12.5 --unit cm --note "Fingertip to floor"
              myolog record measurement 3f2a9c1b --test slr --side left --value 60 --unit deg
              myolog record measurement 3f2a9c1b --test spurling --side right --result positive
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: ArgumentHelp("The patient id or its first 8+ characters.", valueName: "patient"), transform: IDReference.init) var patient: IDReference
    @Option(help: "The test.") var test: MeasurementTest
    @Option(help: "Left, right or bilateral.") var side: Side?
    @Option(help: ArgumentHelp("The value measured (70, 12.5).", valueName: "number"), transform: MeasuredValue.init(parsing:)) var value: MeasuredValue?
    @Option(help: "The value's unit (the test's usual one if not given).") var unit: MeasurementUnit?
    @Option(help: "A special test's result.") var result: TestResult?
    @Option(help: "A note.") var note: String?
    @Option(help: ArgumentHelp("When it was taken, if not now.", valueName: "YYYY-MM-DD[ HH:MM]|RFC3339"), transform: EntryDate.init) var date: EntryDate?

    func validate() throws {
        switch (value, result) {
        case (nil, nil): throw ValidationError("value: missing; accepted: --value NUMBER for a measured test, or --result positive|negative for a special test")
        case (.some, .some): throw ValidationError("result: accepted: either --value or --result, not both")
        default: break
        }
        if unit != nil, value == nil { throw ValidationError("unit: accepted only with --value") }
    }

    func run() throws {
        let author = try global.requireAuthor()
        let reading: ClinicalSession.Reading = value.map { .value($0, unit: unit) } ?? .result(result!)
        let envelope = try global.clinicalRecord().write {
            try $0.recordMeasurement(patient, test: test, side: side, reading: reading, note: note, date: date, author: author)
        }
        global.printWritten(envelope, message: "Recorded measurement:")
    }
}
