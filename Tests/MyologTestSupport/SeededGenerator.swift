import ClinicalLog

/// The seeded generator property tests use, so a failing seed replays exactly: the same
/// SplitMix64 the synthetic clinic generates demo data with, not a second copy of it.
public typealias SeededGenerator = SplitMix64
