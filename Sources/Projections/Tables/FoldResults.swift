import ClinicalFold

/// The records of one batch's patients as two threads fold them (``PatientProjection``): each
/// slot is written by exactly one thread, once, and read only after every thread has ended.
/// Raw memory, not an array property: two threads writing an array of a shared object at once
/// would be an overlapping access even on different slots.
final class FoldResults: @unchecked Sendable {
    private let slots: UnsafeMutableBufferPointer<Result<PatientRecord, any Error>?>

    init(count: Int) {
        slots = .allocate(capacity: count)
        slots.initialize(repeating: nil)
    }

    deinit {
        slots.deinitialize()
        slots.deallocate()
    }

    /// Writes slot `index`; no other thread writes it, and none reads until all have ended.
    func set(_ index: Int, _ result: Result<PatientRecord, any Error>) { slots[index] = result }

    /// Every slot, once every thread has ended.
    var values: [Result<PatientRecord, any Error>?] { Array(slots) }
}
