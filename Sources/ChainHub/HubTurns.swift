/// One user of the hub's connection at a time, in arrival order. The hub is an actor, but an
/// actor is reentrant at every `await`: without turns, a second sync's request could run its
/// statements inside the first one's open transaction.
actor HubTurns {
    private var busy = false
    private var waiting: [CheckedContinuation<Void, Never>] = []

    func take() async {
        guard busy else { busy = true; return }
        await withCheckedContinuation { waiting.append($0) }
    }

    func give() {
        if waiting.isEmpty { busy = false } else { waiting.removeFirst().resume() }
    }
}
