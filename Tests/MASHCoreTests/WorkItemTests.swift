import MASHCore
import Testing

/// MASH.md stage 2: research "in RAG-then-deadline order". The queue takes the smallest item
/// first, so sorting shows the order work is taken in.
@Suite("WorkItem order")
struct WorkItemTests {
    static func t(_ seconds: Int64) -> Timestamp { Timestamp(epochMicroseconds: 1_800_000_000_000_000 + seconds * 1_000_000) }

    @Test("Red (and open cases) first, then Amber, Green, Blue; earliest deadline within a RAG; then acceptance order")
    func order() {
        let expected: [WorkItem] = [
            WorkItem(sequence: 9, step: .start, rag: .red, due: Self.t(0)),
            WorkItem(sequence: 3, step: .start, rag: nil, due: Self.t(5)),  // an open case, with Red
            WorkItem(sequence: 4, step: .decide, rag: .red, due: Self.t(5)),
            WorkItem(sequence: 8, step: .decide, rag: .red, due: Self.t(90_000)),
            WorkItem(sequence: 1, step: .decide, rag: .amber, due: Self.t(-60)),
            WorkItem(sequence: 2, step: .start, rag: .amber, due: Self.t(-60)),
            WorkItem(sequence: 7, step: .start, rag: .amber, due: Self.t(10)),
            WorkItem(sequence: 5, step: .decide, rag: .green, due: Self.t(-3_600)),
            WorkItem(sequence: 6, step: .start, rag: .blue, due: Self.t(-86_400)),
        ]
        // Whatever order they arrive in.
        var generator = SplitMix64(seed: 7)
        for _ in 0..<50 {
            #expect(expected.shuffled(using: &generator).sorted() == expected)
        }
        #expect(expected.reversed().sorted() == expected)
    }

    @Test("an old Green deadline never overtakes a new Red case")
    func ragBeforeDeadline() {
        let oldGreen = WorkItem(sequence: 1, step: .decide, rag: .green, due: Self.t(-1_000_000))
        let newRed = WorkItem(sequence: 2, step: .start, rag: .red, due: Self.t(1_000_000))
        #expect(newRed < oldGreen)
        #expect(!(oldGreen < newRed))
    }

    @Test("only Red and open-case work is urgent", arguments: [(RAG?.some(.red), true), (nil, true), (.amber, false), (.green, false), (.blue, false)])
    func urgent(rag: RAG?, urgent: Bool) {
        #expect(WorkItem(sequence: 1, step: .start, rag: rag, due: Self.t(0)).isUrgent == urgent)
    }
}
