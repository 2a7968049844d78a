import ArgumentParser

struct RecordCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "record",
        abstract: "Record history, trigger points, techniques, pain scores, notes, consent, precautions, adverse events, measurements and outcome measures.",
        discussion: """
            Terms are matched case-insensitively and with a few spellings (`Upper Trapezius`,
            `upper_trapezius`, `upper-trapezius`); the canonical term is stored. `myolog vocabulary`
            lists them.

            Examples:
              myolog record history 3f2a9c1b --kind occupation --text "Nurse" --ergonomics "12 h shifts"
              myolog record trigger-point 3f2a9c1b --muscle "upper trapezius" --side right --status active
              myolog record technique 3f2a9c1b --technique dry-needling --region neck --minutes 10
              myolog record pain 3f2a9c1b --score 6 --region neck --context pre
              myolog record note 3f2a9c1b --subjective "Neck pain 3 weeks" --plan "Review in 2 weeks"
              myolog record consent 3f2a9c1b --for dry-needling --form verbal --risks "Soreness, bruising, fainting"
              myolog record precaution 3f2a9c1b --kind anticoagulant --note "Warfarin"
              myolog record adverse-event 3f2a9c1b --kind bruising --severity mild --after 0194f3a2-7c1e
              myolog record measurement 3f2a9c1b --test cervical-rotation --side right --value 55
              myolog record outcome 3f2a9c1b --instrument ndi --answers 2,3,1,0,4,2,1,3,2,- --context baseline
            """,
        subcommands: [
            RecordHistoryCommand.self, RecordTriggerPointCommand.self, RecordTechniqueCommand.self, RecordPainCommand.self,
            RecordNoteCommand.self, RecordConsentCommand.self, RecordPrecautionCommand.self, RecordAdverseEventCommand.self, RecordMeasurementCommand.self,
            RecordOutcomeCommand.self,
        ])
}
