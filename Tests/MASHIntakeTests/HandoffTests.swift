import Testing

@testable import MASHIntake

/// The committer's handoff to its completer: every value put is taken, in order, whether the
/// taker was waiting or not, and cancellation does not lose any.
struct HandoffTests {
    /// Takes every value until the end, in the order taken.
    static func taker(_ h: Handoff<Int>) -> Task<[Int], Never> {
        Task {
            var got: [Int] = []
            while let v = await h.next() { got.append(v) }
            return got
        }
    }

    /// Waits until the taker is parked in `next`.
    static func untilWaiting<T>(_ h: Handoff<T>) async {
        while !h.hasWaiter { try? await Task.sleep(for: .milliseconds(1)) }
    }

    /// Values put before the taker asks, while it waits, and after; with the taker cancelled
    /// while it waits, the handoff must still deliver every one.
    @Test(arguments: [false, true])
    func everyValueComesOutInOrder(takerCancelled: Bool) async {
        let h = Handoff<Int>()
        h.put(1)
        h.put(2)
        let taker = Self.taker(h)
        await Self.untilWaiting(h)
        if takerCancelled { taker.cancel() }
        h.put(3)  // straight to the waiting taker
        await Self.untilWaiting(h)
        for v in 4...200 { h.put(v) }
        h.finish()
        #expect(await taker.value == Array(1...200))
    }

    @Test func finishEndsAWaitingTaker() async {
        let h = Handoff<String>()
        let taker = Task { await h.next() }
        await Self.untilWaiting(h)
        h.finish()
        #expect(await taker.value == nil)
    }
}
