import Testing

@testable import MASHIntake

/// The committer's handoff to its completer: every value put is taken, in order, whether the
/// taker was waiting or not, and cancellation does not lose any.
struct HandoffTests {
    @Test func valuesComeOutInOrderWhetherPutBeforeOrWhileWaiting() async {
        let h = Handoff<Int>()
        h.put(1)
        h.put(2)
        await withTaskGroup(of: [Int].self) { group in
            group.addTask {
                var got: [Int] = []
                while let v = await h.next() { got.append(v) }
                return got
            }
            for v in 3...200 {
                h.put(v)
                if v % 7 == 0 { await Task.yield() }
            }
            h.finish()
            #expect(await group.next() == Array(1...200))
        }
    }

    @Test func aCancelledTakerStillGetsEveryValue() async {
        let h = Handoff<Int>()
        let taker = Task {
            var got: [Int] = []
            while let v = await h.next() { got.append(v) }
            return got
        }
        taker.cancel()
        for v in 1...50 { h.put(v) }
        h.finish()
        #expect(await taker.value == Array(1...50))
    }

    @Test func finishWithNothingQueuedEndsAWaitingTaker() async {
        let h = Handoff<String>()
        async let next = h.next()
        try? await Task.sleep(for: .milliseconds(10))
        h.finish()
        #expect(await next == nil)
    }
}
