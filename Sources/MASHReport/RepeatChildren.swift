import GRDB

/// Repeat notifications: children named in 3 or more distinct cases within 365 days.
///
/// Each `child_keys` row is (key, notified_at, case_seq, child); rows with the same
/// (case_seq, child) are one mention of one child (a node). Two nodes are the same child when
/// they share any key, transitively (union-find over keys). Only rows whose notified_at falls
/// in the look-back span (365 days before the range to the range's end) are read, in one
/// sequential scan; keys are reduced to 64-bit FNV-1a hashes, so memory is a few dozen bytes a
/// row (two different keys sharing a hash, which would merge two children, has a probability
/// around 10^-6 for millions of keys).
struct RepeatChildren {
    /// One child named in at least 3 distinct cases of the span: its cases, in time order.
    struct Child {
        var times: [Int64]
        var seqs: [Int64]
    }

    static func find(_ db: Database, from lower: Int64, to upper: Int64) throws -> [Child] {
        var nodeOf: [Int64: Int32] = [:]
        var nodeSeq: [Int64] = []
        var nodeTime: [Int64] = []
        var parent: [Int32] = []
        var size: [Int32] = []
        var firstNodeOfKey: [UInt64: Int32] = [:]

        func root(_ x: Int32) -> Int32 {
            var x = x
            while parent[Int(x)] != x {
                parent[Int(x)] = parent[Int(parent[Int(x)])]
                x = parent[Int(x)]
            }
            return x
        }

        let cursor = try Row.fetchCursor(
            db, sql: "SELECT key, case_seq, child, notified_at FROM child_keys WHERE notified_at >= ? AND notified_at < ?",
            arguments: [lower, upper])
        while let row = try cursor.next() {
            let seq: Int64 = row[1]
            let child: Int64 = row[2]
            let nodeKey = seq << 20 | (child & 0xFFFFF)
            let node: Int32
            if let n = nodeOf[nodeKey] {
                node = n
            } else {
                node = Int32(nodeSeq.count)
                nodeOf[nodeKey] = node
                nodeSeq.append(seq)
                nodeTime.append(row[3])
                parent.append(node)
                size.append(1)
            }
            let hash = try row.withUnsafeData(atIndex: 0) { data -> UInt64 in
                var h: UInt64 = 0xcbf2_9ce4_8422_2325
                data?.withUnsafeBytes { bytes in
                    for b in bytes { h = (h ^ UInt64(b)) &* 0x100_0000_01b3 }
                }
                return h
            }
            if let first = firstNodeOfKey[hash] {
                var a = root(first), b = root(node)
                if a != b {
                    if size[Int(a)] < size[Int(b)] { swap(&a, &b) }
                    parent[Int(b)] = a
                    size[Int(a)] += size[Int(b)]
                }
            } else {
                firstNodeOfKey[hash] = node
            }
        }
        firstNodeOfKey = [:]
        nodeOf = [:]

        // Nodes of groups of 3 or more, grouped by root (a counting sort), then each group in
        // time order.
        let n = nodeSeq.count
        var roots = [Int32](repeating: 0, count: n)
        var start = [Int32](repeating: 0, count: n + 1)
        for i in 0..<n {
            let r = root(Int32(i))
            roots[i] = r
            if size[Int(r)] >= 3 { start[Int(r) + 1] += 1 }
        }
        for i in 0..<n { start[i + 1] += start[i] }
        var fill = start
        var order = [Int32](repeating: 0, count: Int(start[n]))
        for i in 0..<n where size[Int(roots[i])] >= 3 {
            order[Int(fill[Int(roots[i])])] = Int32(i)
            fill[Int(roots[i])] += 1
        }
        var out: [Child] = []
        var members: [(time: Int64, seq: Int64)] = []
        for r in 0..<n where start[r + 1] - start[r] >= 3 {
            members.removeAll(keepingCapacity: true)
            for k in Int(start[r])..<Int(start[r + 1]) {
                let node = Int(order[k])
                members.append((nodeTime[node], nodeSeq[node]))
            }
            members.sort { ($0.time, $0.seq) < ($1.time, $1.seq) }
            var c = Child(times: [], seqs: [])
            for m in members where c.seqs.last != m.seq {
                // Two children of one case that share a key are one child named once (a
                // case's nodes share its time, so they are adjacent here).
                c.times.append(m.time)
                c.seqs.append(m.seq)
            }
            if c.seqs.count >= 3 { out.append(c) }
        }
        return out
    }
}

extension RepeatChildren {
    /// `children` in families: children named in a common case (siblings named together),
    /// transitively. Each family lists its children's indices in order; the families come in
    /// the order of their first child. Most children are a family of one.
    static func families(_ children: [Child]) -> [[Int]] {
        var parent = Array(children.indices)
        func root(_ x: Int) -> Int {
            var x = x
            while parent[x] != x {
                parent[x] = parent[parent[x]]
                x = parent[x]
            }
            return x
        }
        var firstChildOfCase: [Int64: Int] = [:]
        for (i, child) in children.enumerated() {
            for seq in child.seqs {
                if let j = firstChildOfCase[seq] {
                    let (a, b) = (root(i), root(j))
                    if a != b { parent[max(a, b)] = min(a, b) }
                } else {
                    firstChildOfCase[seq] = i
                }
            }
        }
        var members: [Int: [Int]] = [:]
        var order: [Int] = []
        for i in children.indices {
            let r = root(i)
            if members[r] == nil { order.append(r) }
            members[r, default: []].append(i)
        }
        return order.map { members[$0]! }
    }
}

extension RepeatChildren.Child {
    /// Whether 3 of its cases fall in a 365-day window (both ends included) whose end lies in
    /// [start, end): for three consecutive cases a <= b <= c, the windows containing them end
    /// from c to a + 365 days.
    func qualifies(start: Int64, end: Int64) -> Bool {
        guard times.count >= 3 else { return false }
        for i in 0..<(times.count - 2) {
            let a = times[i], c = times[i + 2]
            if c - a <= ReportDates.yearMs, c < end, a + ReportDates.yearMs >= start { return true }
        }
        return false
    }

    /// The window ends (ms, both ends included) at which it qualifies, within [start, end).
    func windowEnds(start: Int64, end: Int64) -> [ClosedRange<Int64>] {
        guard times.count >= 3 else { return [] }
        var out: [ClosedRange<Int64>] = []
        for i in 0..<(times.count - 2) {
            let a = times[i], c = times[i + 2]
            guard c - a <= ReportDates.yearMs else { continue }
            let lo = max(c, start), hi = min(a + ReportDates.yearMs, end - 1)
            if lo <= hi { out.append(lo...hi) }
        }
        return out
    }

    /// For a period [start, end): the positions of the child's cases from 365 days before the
    /// period to its end (they are consecutive: the cases are in time order), and the latest
    /// of them (the case its borough and stream are taken from).
    func notifications(start: Int64, end: Int64) -> (indices: Range<Int>, latest: Int64)? {
        guard let first = times.firstIndex(where: { $0 >= start - ReportDates.yearMs }) else { return nil }
        let last = times[first...].firstIndex(where: { $0 >= end }) ?? times.endIndex
        guard first < last else { return nil }
        return (first..<last, seqs[last - 1])
    }
}
