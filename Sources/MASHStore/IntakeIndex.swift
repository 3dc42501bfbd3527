import GRDB
import NIOConcurrencyHelpers

/// What the store holds, in brief, so that intake can skip queries whose answer is "nothing":
/// a set of 64-bit hashes of every (format, source reference) accepted and of every child
/// match key recorded. A hash that is absent proves the reference is new, or the key has no
/// history, without touching SQLite; a hash that is present only sends intake to the store,
/// which has the last word. So the index can hold more than the store (a rolled-back group
/// leaves its hashes behind) but never less, and a collision costs one query, never a wrong
/// answer. It is rebuilt from the store at start: the disk is the truth.
///
/// It exists for throughput: a new notification about a new child, the usual case, needs no
/// read at all before its inserts, and the commit thread is what limits intake.
final class IntakeIndex: Sendable {
    private struct Sets {
        var references = Set<UInt64>()
        var keys = Set<UInt64>()
    }

    private let sets = NIOLockedValueBox(Sets())

    /// Reads every reference and key from the store.
    init(_ db: Database) throws {
        var s = Sets()
        let refs = try Row.fetchCursor(db, sql: "SELECT format, source_ref FROM cases")
        while let row = try refs.next() {
            s.references.insert(Self.hash(reference: row[1], format: row[0]))
        }
        let keys = try String.fetchCursor(db, sql: "SELECT DISTINCT key FROM child_keys")
        while let key = try keys.next() { s.keys.insert(Self.hash(key)) }
        sets.withLockedValue { $0 = s }
    }

    func mayHave(reference: String, format: String) -> Bool {
        let h = Self.hash(reference: reference, format: format)
        return sets.withLockedValue { $0.references.contains(h) }
    }

    func mayHave(key: String) -> Bool {
        let h = Self.hash(key)
        return sets.withLockedValue { $0.keys.contains(h) }
    }

    /// Records a new case's reference and keys, before its group commits (see above).
    func add(reference: String, format: String, keys: some Sequence<String>) {
        let r = Self.hash(reference: reference, format: format)
        let k = keys.map(Self.hash)
        sets.withLockedValue {
            $0.references.insert(r)
            for h in k { $0.keys.insert(h) }
        }
    }

    // FNV-1a, 64-bit: stable across runs (Swift's Hasher is seeded per process), and the
    // sets only need a spread, not resistance to an adversary: a collision costs a query.
    static func hash(_ s: String) -> UInt64 {
        var h: UInt64 = 0xcbf2_9ce4_8422_2325
        for b in s.utf8 {
            h ^= UInt64(b)
            h &*= 0x0000_0100_0000_01b3
        }
        return h
    }

    static func hash(reference: String, format: String) -> UInt64 {
        hash(format + "\u{0}" + reference)
    }
}
