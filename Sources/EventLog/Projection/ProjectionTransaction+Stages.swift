/// The stages of a write and a receive that have no public entry point of their own, for the
/// stage budget in Tools/Benchmarks: each calls the very function the paths call, nothing else.
extension ProjectionTransaction {
    /// The projections' view of a write transaction, as ``EventStore/write(_:)`` gives it to
    /// them when it folds the views at the end of the transaction.
    @_spi(Benchmarks) public init(stageOf transaction: AppendTransaction) {
        self.init(reader: transaction)
    }
}
