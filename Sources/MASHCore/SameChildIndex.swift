/// An in-memory index of which earlier notifications named which child, by match key: the
/// store's `child_keys` table for tools that run without a store (`mashctl explain`, the dry
/// run). Pure: the caller adds notifications in acceptance order.
public struct SameChildIndex: Sendable {
    struct Mention {
        var time: Int64
        var sequence: Int64
    }

    private var mentions: [String: [Mention]] = [:]

    public init() {}

    /// The repeat rule's history for `n` (its own time is the window's end), counting at most
    /// `limit`; call before `add`.
    public func history(of n: MASHNotification, windowDays: Int, limit: Int) -> ChildHistory {
        let upper = n.time.epochMilliseconds
        let lower = upper - Int64(windowDays) * 86_400_000
        var most = 0
        for child in n.children {
            var cases = Set<Int64>()
            for key in child.matchKeys {
                for m in mentions[key.indexKey] ?? [] where m.time >= lower && m.time <= upper {
                    cases.insert(m.sequence)
                    if cases.count >= limit { break }
                }
            }
            most = max(most, min(cases.count, limit))
        }
        return ChildHistory(earlierNotifications: most, countIsLowerBound: most >= limit)
    }

    /// Earlier cases naming any child of `n`, newest first.
    public func earlier(than n: MASHNotification, limit: Int = 20) -> [Int64] {
        var seqs = Set<Int64>()
        for key in Set(n.children.flatMap(\.matchKeys).map(\.indexKey)) {
            for m in mentions[key] ?? [] { seqs.insert(m.sequence) }
        }
        return Array(seqs.sorted(by: >).prefix(limit))
    }

    public mutating func add(_ n: MASHNotification, sequence: Int64) {
        let time = n.time.epochMilliseconds
        for key in Set(n.children.flatMap(\.matchKeys).map(\.indexKey)) {
            mentions[key, default: []].append(Mention(time: time, sequence: sequence))
        }
    }
}
