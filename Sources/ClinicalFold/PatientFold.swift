import ClinicalEvents
import EventModel

/// Folds one patient's events into a ``PatientRecord``.
///
/// The events are sorted into ``CausalOrder`` first, so arrival order never matters. Patient
/// fields are last-writer-wins by causal order, and a write that had not seen another write of
/// the same field is a conflict (``FieldConflict``) until a later write that saw both replaces
/// them. Clinical entries never conflict: concurrent entries are all kept.
///
/// Every amendment acts only on what was folded before it — a correction, a retraction, a visit's
/// end, a trigger point's resolution whose target sorts later (or is another patient's) does
/// nothing — so the fold of events that sort after everything folded so far can be applied to the
/// stored views in place (``PatientProjection``), and equals the fold from the start. A correction
/// applies only fields its target's type lets a clinician correct, and only if the entry, so
/// corrected, is still a valid payload: entries are always valid payloads of their type.
///
/// A sign-off (``VisitSignedOff``) marks the entries it lists that were folded before it; a
/// correction or retraction of a signed entry that sorts after it is kept as an addendum
/// (``ClinicalEntry/addenda``) and changes nothing else. A co-signature marks the listed entries
/// folded before it that were written in the student role. Late entries are judged by
/// `lateEntries`, from each entry's own times and its writing site's zone.
public enum PatientFold {
    public static func fold(_ patient: PatientID, events: [EventEnvelope], covering range: TimeTravel = .now,
                            lateEntries: LateEntryPolicy = .standard) throws -> PatientRecord {
        var record = PatientRecord(patient: patient)
        var index: [EventID: Int] = [:]
        // Per field, the writes not yet seen by a later one, with their events (for what they saw).
        var fieldWrites: [String: [(write: FieldWrite, event: EventEnvelope)]] = [:]
        var registration: EventID?
        var withdrawal: EventEnvelope?

        func write(_ changes: [String: String?], by event: EventEnvelope) {
            for (field, value) in changes {
                var candidates = fieldWrites[field, default: []].filter { !CausalOrder.hasSeen(event, $0.event) }
                candidates.append((FieldWrite(value: value, event: event), event))
                fieldWrites[field] = candidates
            }
        }

        for event in CausalOrder.sorted(events) where range.includes(event) {
            record.foldedThrough = CausalPosition(event)
            guard let clinical = try ClinicalEvent.decode(event) else { continue }
            record.eventCount += 1
            switch clinical {
            case .patientRegistered(let registered):
                if registration == nil { registration = event.id }
                write(registered.changes, by: event)
            case .patientDetailsChanged(let changed):
                write(changed.changes, by: event)
            case .entryCorrected(let correction):
                guard let position = index[correction.target], let corrected = ClinicalEvent.corrected(record.entries[position].current, by: correction) else { continue }
                if record.entries[position].signOff != nil {
                    record.entries[position].addenda.append(event)
                } else {
                    record.entries[position].current = corrected
                    record.entries[position].corrections.append(event)
                }
            case .entryRetracted(let retraction) where retraction.target == registration:
                withdrawal = withdrawal ?? event
            case .entryRetracted(let retraction):
                guard let position = index[retraction.target], record.entries[position].retraction == nil else { continue }
                if record.entries[position].signOff != nil {
                    record.entries[position].addenda.append(event)
                } else {
                    record.entries[position].retraction = event
                }
            case .visitSignedOff(let signOff):
                for id in signOff.entries {
                    guard let position = index[id], record.entries[position].signOff == nil, record.entries[position].retraction == nil else { continue }
                    record.entries[position].signOff = event
                }
            case .entryCoSigned(let coSignature):
                for id in coSignature.events {
                    guard let position = index[id], record.entries[position].isAwaitingCoSignature else { continue }
                    record.entries[position].coSignature = event
                }
            case .lateEntryRuleSet, .siteTimeZoneSet:
                continue  // store-wide: never a patient's event
            case .visitEnded(let ended) where index[ended.visit] == nil:
                continue
            case .triggerPointResolved(let resolution) where index[resolution.finding] == nil:
                continue
            case .precautionResolved(let resolution) where index[resolution.precaution] == nil:
                continue
            default:
                index[event.id] = record.entries.count
                var entry = ClinicalEntry(event: event, current: clinical)
                // Clinical entries only: a legal hold or an erasure is not care, late or not.
                if ClinicalEvent.correctableFields[event.type] != nil { entry.lateEntry = lateEntries.mark(event) }
                record.entries.append(entry)
            }
        }
        // A withdrawn registration (a mistake, a duplicate) leaves the views — unless clinical
        // entries were recorded for the patient concurrently, elsewhere: then care was given under
        // this record, and it stays (every site decides alike, from the same events).
        if withdrawal != nil, record.entries.isEmpty { fieldWrites = [:] }
        for field in PatientDetailsChanged.fields {
            guard let writes = fieldWrites[field]?.map(\.write), let shown = writes.last else { continue }
            // A removed value is absent, as if never recorded (the conflict, if any, still shows it).
            record.details[field] = shown.value
            if Set(writes.map(\.value)).count > 1 {
                record.conflicts.append(FieldConflict(field: field, values: writes))
            }
        }
        record.derive()
        return record
    }
}
