import Foundation
import GRDB
import MASHClient
import MASHReplay
import Testing

/// kill -9 while the process engine works: research requests, decisions and products under a
/// load of 2,000 notifications whose research answers arrive at once. After the restarts every
/// case is decided exactly once, and no product is in an outbox twice, even while a collector
/// claims products into cur/ as mashd writes them.
@Suite(.serialized)
struct ProcessCrashTests {
    static let asked: [String: [String]] = [
        "red": ["police", "health", "education", "probation", "housing", "yos"],
        "amber": ["police", "health", "education", "housing"],
        "green": ["health", "education"],
    ]

    /// Notifications, then the answers to each as soon as its case id is known.
    final class Feeder: @unchecked Sendable {
        let lock = NSLock()
        var notifications: [(ref: String, line: String)]
        var cases: [String: (id: String, rag: String)] = [:]  // ref -> case
        var answered: Set<String> = []  // caseId/agency acknowledged

        init(_ notifications: [(ref: String, line: String)]) { self.notifications = notifications }

        /// What still needs an ok: notifications first, then answers of known cases.
        func pending(limit: Int) -> [(key: String, line: String)] {
            lock.withLock {
                var out: [(key: String, line: String)] = []
                for (ref, line) in notifications where cases[ref] == nil {
                    out.append(("N" + ref, line))
                    if out.count >= limit { return out }
                }
                for (_, c) in cases.sorted(by: { $0.key < $1.key }) {
                    for agency in ProcessCrashTests.asked[c.rag] ?? [] where !answered.contains("\(c.id)/\(agency)") {
                        out.append((
                            "A\(c.id)/\(agency)",
                            #"{"format":"research/1","caseId":"\#(c.id)","agency":"\#(agency)","respondedAt":"2026-11-27T09:00:00Z","findings":[{"summary":"known","shareable":\#(agency != "police"),"indicators":[]}]}"#
                        ))
                    }
                }
                return out
            }
        }

        var done: Bool { pending(limit: 1).isEmpty }

        func run(socket: String, until deadline: Date) {
            while Date() < deadline {
                let todo = pending(limit: 200)
                if todo.isEmpty { return }
                guard let client = try? IntakeClient(socketPath: socket) else {
                    usleep(20_000)
                    continue
                }
                try? client.exchange(todo.map { Array($0.line.utf8) }) { reply in
                    guard reply.ok, reply.line >= 1, reply.line <= todo.count, let id = reply.id else { return }
                    let key = todo[reply.line - 1].key
                    self.lock.withLock {
                        if key.hasPrefix("N") {
                            self.cases[String(key.dropFirst())] = (id, reply.rag ?? "none")
                        } else {
                            self.answered.insert(String(key.dropFirst()))
                        }
                    }
                }
            }
        }
    }

    /// Claims products as an agency's collector would: new/ID to cur/ID:2,S, for about half
    /// of the ids (the others stay in new/). It remembers what it claimed: a claimed id seen in
    /// new/ again is a product delivered twice, whatever happens to the files afterwards.
    final class Collector: @unchecked Sendable {
        let outbox: String
        let lock = NSLock()
        var claimed = Set<String>()
        var deliveredTwice: [String] = []

        init(_ outbox: String) { self.outbox = outbox }

        func collect() {
            lock.withLock {
                for agency in (try? FileManager.default.contentsOfDirectory(atPath: outbox)) ?? [] {
                    let new = "\(outbox)/\(agency)/new"
                    for name in (try? FileManager.default.contentsOfDirectory(atPath: new)) ?? [] {
                        let key = agency + "/" + name
                        if claimed.contains(key) {
                            deliveredTwice.append(key)
                            rename(new + "/" + name, "\(outbox)/\(agency)/cur/\(name):2,T")
                        } else if name.utf8.reduce(0, { $0 &+ Int($1) }) % 2 == 0 {
                            claimed.insert(key)
                            rename(new + "/" + name, "\(outbox)/\(agency)/cur/\(name):2,S")
                        }
                    }
                }
            }
        }
    }

    @Test func killNineDuringTheProcessDecidesEachCaseOnceAndDeliversEachProductOnce() throws {
        let dir = Harness.temporaryDirectory("pcrash")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let total = 3000, kills = 20
        // Realistic notifications (every RAG, immediate risk, open cases); their research
        // answers are sent by the feeders as soon as each case id is known.
        let lines = NotificationGenerator.notifications(count: total, seed: 11).map { (ref: $0.reference, line: $0.line) }
        let feeders = (0..<4).map { c in Feeder(stride(from: c, to: total, by: 4).map { lines[$0] }) }
        let outbox = dir + "/state/outbox"

        // Besides the kills, mashd exits by itself now and then in the narrowest window: products
        // in outboxes, not yet recorded.
        let crashy = ["MASHD_TEST_CRASH_AFTER_DELIVERY": "0.05"]
        var selfCrashes = 0
        let collector = Collector(outbox)
        /// Starts mashd; the crash point may strike while it recovers, before it listens.
        func start() throws -> DaemonProcess {
            for _ in 0..<50 {
                if let d = try? Harness.start(dir, environment: crashy) { return d }
                selfCrashes += 1
                collector.collect()
            }
            return try Harness.start(dir, environment: crashy)
        }
        var daemon = try start()
        let socket = daemon.socketPath
        let stopAt = Date().addingTimeInterval(600)
        let group = DispatchGroup()
        // Threads of their own, not the global dispatch pool: busy feeders there starved the
        // pool that Foundation uses to notice a child's exit, and a mashd that had exited by
        // itself still looked as if it were running.
        for f in feeders {
            group.enter()
            Thread.detachNewThread {
                f.run(socket: socket, until: stopAt)
                group.leave()
            }
        }
        let collecting = LockedInt()
        group.enter()
        Thread.detachNewThread {
            while collecting.value == 0 {
                collector.collect()
                usleep(50_000)
            }
            group.leave()
        }
        // Each kill strikes while cases are part-way through the process. While mashd is down
        // the collector claims what it finds, as a real one would.
        var unfinishedAtKill: [Int] = []
        for _ in 0..<kills {
            let busyBy = Date().addingTimeInterval(3)
            while try Self.unfinished(dir) == 0, Date() < busyBy { usleep(10_000) }
            usleep(UInt32.random(in: 0...150_000))
            unfinishedAtKill.append(try Self.unfinished(dir))
            if !daemon.isRunning { selfCrashes += 1 }
            daemon.stop(signal: SIGKILL)
            collector.collect()
            daemon = try start()
        }
        // Then without kills, restarting after each crash-point exit until the work is done.
        while try !(feeders.allSatisfy(\.done) && Self.unfinished(dir) == 0), Date() < stopAt {
            usleep(50_000)
            if !daemon.isRunning {
                selfCrashes += 1
                collector.collect()
                daemon = try start()
            }
        }
        daemon.stop()
        daemon = try Harness.start(dir)
        // Wait for the engine to finish: every case decided and dispatched.
        let finishBy = Date().addingTimeInterval(120)
        while try Self.unfinished(dir) > 0, Date() < finishBy { usleep(100_000) }
        collecting.add(1)
        group.wait()
        collector.collect()
        daemon.stop()

        #expect(unfinishedAtKill.filter { $0 > 0 }.count >= kills * 3 / 4, "kills struck idle daemons: \(unfinishedAtKill)")
        #expect(selfCrashes > 0, "the crash point between delivery and record was never reached")
        let db = try DatabaseQueue(path: dir + "/state/mashd.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let counts = try db.read { db in
            [
                try Int.fetchOne(db, sql: "SELECT count(*) FROM cases"),
                try Int.fetchOne(db, sql: "SELECT count(*) FROM cases WHERE stage != 'decided' OR dispatched != 1"),
                // Decided exactly once: one decision event per case.
                try Int.fetchOne(db, sql: "SELECT count(*) FROM case_events WHERE stage = 'decided'"),
                try Int.fetchOne(
                    db, sql: "SELECT count(*) FROM (SELECT case_seq FROM case_events WHERE stage = 'decided' GROUP BY case_seq HAVING count(*) > 1)"),
            ]
        }
        #expect(counts == [total, 0, total, 0])
        // No product twice across new/ and cur/, none left half-written, each recorded one a file.
        var names: [String: Int] = [:]
        var leftovers = 0
        for agency in try FileManager.default.contentsOfDirectory(atPath: outbox) {
            for sub in ["new", "cur"] {
                for name in try FileManager.default.contentsOfDirectory(atPath: "\(outbox)/\(agency)/\(sub)") {
                    names["\(agency)/" + String(name.split(separator: ":").first!), default: 0] += 1
                }
            }
            leftovers += try FileManager.default.contentsOfDirectory(atPath: "\(outbox)/\(agency)/tmp").count
        }
        let twice = names.filter { $0.value > 1 }.keys.sorted() + collector.deliveredTwice
        #expect(twice.isEmpty, "delivered twice: \(twice.prefix(10))")
        #expect(leftovers == 0, "\(leftovers) files left in tmp/")
        let recorded = try db.read { db in
            try Row.fetchAll(db, sql: "SELECT recipient, id FROM products").map { "\($0[0] as String)/\($0[1] as String)" }
        }
        #expect(Set(recorded) == Set(names.keys), "recorded and delivered products differ")
        // Every case has its outcome notice, and every asked agency its request.
        let notices = names.keys.filter { $0.contains(".outcome-notice.") }.count
        #expect(notices == total)
        var requests = 0
        for f in feeders { for (_, c) in f.cases { requests += Self.asked[c.rag]?.count ?? 0 } }
        #expect(names.keys.filter { $0.contains(".research-request.") }.count == requests)
    }

    /// Cases not yet decided with every product out; 0 also before the store exists.
    static func unfinished(_ dir: String) throws -> Int {
        guard FileManager.default.fileExists(atPath: dir + "/state/mashd.sqlite") else { return 0 }
        let db = try DatabaseQueue(path: dir + "/state/mashd.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        return try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE stage != 'decided' OR dispatched != 1") ?? 1 }
    }
}
