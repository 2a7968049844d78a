import Crypto
import Foundation
import EventModel

/// What a store did with the patient keys offered to it.
public struct KeyReceipt: Sendable, Equatable {
    /// Keys stored: their patients' events are readable here now.
    public var stored = 0
    /// Keys of patients erased here: discarded, never stored.
    public var erased = 0
    public init() {}
}
