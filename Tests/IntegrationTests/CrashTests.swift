import Foundation
import MASHClient
import MASHReplay
import MASHStore
import Testing

/// kill -9 under load, again and again: every acknowledged line must be exactly one case,
/// and no source reference may have two.
@Suite(.serialized)
struct CrashTests {
    /// One sender: keeps resending what was not acknowledged until everything is.
    final class Sender: @unchecked Sendable {
        let lines: [(ref: String, bytes: [UInt8])]
        let lock = NSLock()
        var acknowledged: [String: String] = [:]  // ref -> case id
        var attempts = 0

        init(lines: [(ref: String, bytes: [UInt8])]) { self.lines = lines }

        var remaining: [(ref: String, bytes: [UInt8])] {
            lock.withLock { lines.filter { acknowledged[$0.ref] == nil } }
        }

        func run(socket: String, until deadline: Date) {
            while Date() < deadline {
                let todo = remaining
                if todo.isEmpty { return }
                attempts += 1
                guard let client = try? IntakeClient(socketPath: socket) else {
                    usleep(20_000)
                    continue
                }
                try? client.exchange(todo.map(\.bytes)) { reply in
                    guard reply.ok, reply.line >= 1, reply.line <= todo.count, let id = reply.id else { return }
                    let ref = todo[reply.line - 1].ref
                    self.lock.withLock {
                        if let earlier = self.acknowledged[ref], earlier != id {
                            Issue.record("\(ref) acknowledged as \(earlier) and then as \(id)")
                        }
                        self.acknowledged[ref] = id
                    }
                }
            }
        }
    }

    @Test func killNineUnderLoadLosesNothingAcknowledged() throws {
        let dir = Harness.temporaryDirectory("crash")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let total = 10_000, connections = 4, kills = 20
        let all = NotificationGenerator.notifications(count: total, seed: 7).map { (ref: $0.reference, bytes: Array($0.line.utf8)) }
        #expect(Set(all.map(\.ref)).count == total)
        let senders = (0..<connections).map { c in Sender(lines: stride(from: c, to: total, by: connections).map { all[$0] }) }

        var daemon = try Harness.start(dir)
        let socket = daemon.socketPath
        let deadline = Date().addingTimeInterval(600)
        let group = DispatchGroup()
        // Threads of their own, not the global dispatch pool: busy senders there can starve
        // the pool that Foundation uses to notice a child's exit.
        for s in senders {
            group.enter()
            Thread.detachNewThread {
                s.run(socket: socket, until: deadline)
                group.leave()
            }
        }

        var rng = SystemRandomNumberGenerator()
        var killed = 0
        var acknowledgedAtKill: [Int] = []
        while killed < kills {
            usleep(UInt32.random(in: 30_000...250_000, using: &rng))
            acknowledgedAtKill.append(senders.reduce(0) { sum, s in sum + s.lock.withLock { s.acknowledged.count } })
            daemon.stop(signal: SIGKILL)
            killed += 1
            daemon = try Harness.start(dir)
        }
        group.wait()
        daemon.stop()

        // The kills happened under load, not after it: most struck before the last line.
        #expect(acknowledgedAtKill.filter { $0 < total }.count >= kills / 2, "kills came too late: \(acknowledgedAtKill)")
        var acknowledged: [String: String] = [:]
        for s in senders { acknowledged.merge(s.acknowledged) { a, _ in a } }
        #expect(acknowledged.count == total, "\(total - acknowledged.count) lines never acknowledged")

        let stored = try CaseStore(readingAt: dir + "/state/mashd.sqlite").allReferences()
        var byRef: [String: [String]] = [:]
        for r in stored { byRef[r.ref, default: []].append(r.id) }
        #expect(stored.count == total, "\(stored.count) cases for \(total) lines")
        #expect(byRef.values.allSatisfy { $0.count == 1 }, "a source reference has two cases")
        for (ref, id) in acknowledged {
            #expect(byRef[ref] == [id], "\(ref) was acknowledged as \(id) but the store has \(byRef[ref] ?? [])")
        }
    }
}
