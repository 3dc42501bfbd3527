import ArgumentParser
import Foundation
import GRDB
import MASHClient
import MASHReplay

/// `mashctl bench process`: notifications per second from intake to the last product, with
/// every research request answered as soon as the case id is known.
struct ProcessBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "process",
        abstract: "Measure end-to-end throughput: intake to last product, research answered at once.",
        discussion: """
            Starts a fresh mashd with the standard model, sends NOTIFICATIONS synthetic \
            notifications over CLIENTS connections and, on another connection per client, the \
            research answers of each case as soon as its reply names the case and its RAG. The \
            time runs from the first line sent until every case is decided and every product is \
            in its outbox (read from the store).
            """)

    @Option(help: "Notifications to send.")
    var notifications = 20_000

    @Option(help: "Clients, each with one connection for notifications and one for answers.")
    var clients = 4

    @OptionGroup var options: BenchOptions

    static let asked: [String: [String]] = [
        "red": ["police", "health", "education", "probation", "housing", "yos"],
        "amber": ["police", "health", "education", "housing"],
        "green": ["health", "education"],
    ]

    func run() throws {
        let dir = options.directory("process")
        defer { options.remove(dir) }
        let daemon = try DaemonProcess(executable: options.executable, stateDirectory: dir, arguments: ["--log-level", options.daemonLogLevel])
        defer { daemon.stop() }
        let all = NotificationGenerator.notifications(count: notifications, seed: 1)
        let socket = daemon.socketPath
        let answersSent = LockedCounter(), failures = LockedCounter()
        let perClient = (0..<clients).map { c in stride(from: c, to: notifications, by: clients).map { Array(all[$0].line.utf8) } }
        let start = Date()
        ClientThreads.run(clients) { c in
            let mine = perClient[c]
            let answers = LineQueue()
            let group = ClientThreads.start {
                do {
                    try IntakeClient(socketPath: socket).exchange(answers) { if !$0.ok { failures.add(1) } }
                } catch { failures.add(1) }
            }
            var replies = 0
            do {
                try IntakeClient(socketPath: socket).exchange(mine) { reply in
                    replies += 1
                    guard reply.ok, let id = reply.id else { return failures.add(1) }
                    for agency in Self.asked[reply.rag ?? ""] ?? [] {
                        answers.push(Array(#"{"format":"research/1","caseId":"\#(id)","agency":"\#(agency)","respondedAt":"2026-11-27T09:00:00Z","findings":[{"summary":"known to us","shareable":true,"indicators":[]}]}"#.utf8))
                        answersSent.add(1)
                    }
                }
            } catch { failures.add(1) }
            answers.close()
            group.wait()
        }
        let accepted = Date()
        let db = try DatabaseQueue(path: dir + "/mashd.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        var finished = Date()
        while true {
            // Two counts over the store's partial indexes of unfinished cases: one query with
            // OR scans the whole table, and polling that took about 30% of a profile's samples
            // on the machine running the daemon being measured.
            let left = try db.read {
                try Int.fetchOne(
                    $0,
                    sql: """
                        SELECT (SELECT count(*) FROM cases WHERE stage != 'decided') + (SELECT count(*) FROM cases WHERE dispatched != 1)
                        """) ?? 1
            }
            finished = Date()
            if left == 0 { break }
            if finished.timeIntervalSince(start) > 600 { throw ValidationError("not finished after 10 minutes; \(left) cases left") }
            usleep(20_000)
        }
        let products = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM products") ?? 0 }
        guard failures.value == 0 else { throw ValidationError("\(failures.value) lines were refused or unanswered; see \(daemon.logPath)") }
        let seconds = finished.timeIntervalSince(start)
        print("notifications  answers  products  intake s  total s  notifications/s  products/s")
        print(
            String(format: "%13d  %7d  %8d  %8.2f  %7.2f  %15.0f  %10.0f", notifications, answersSent.value, products,
                accepted.timeIntervalSince(start), seconds, Double(notifications) / seconds, Double(products) / seconds))
    }
}

/// `mashctl bench latency`: how long a Red case waits for its first product while Green work
/// is queued.
struct LatencyBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "latency",
        abstract: "Measure Red latency, intake to first product, with Green work queued.",
        discussion: """
            Starts a fresh mashd, fills its queue with GREENS Green notifications, then sends \
            REDS Red notifications one at a time (half of them under immediate risk) and times \
            each from the moment its line is written to the moment its first product (a research \
            request, or urgent-strategy) appears in an outbox, watched with inotify.
            """)

    @Option(help: "Green notifications queued first.")
    var greens = 100_000

    @Option(help: "Red notifications timed.")
    var reds = 200

    @Option(help: "Milliseconds between Red notifications.")
    var intervalMs = 20

    @OptionGroup var options: BenchOptions

    func run() throws {
        let dir = options.directory("latency")
        defer { options.remove(dir) }
        let daemon = try DaemonProcess(executable: options.executable, stateDirectory: dir, arguments: ["--log-level", options.daemonLogLevel])
        defer { daemon.stop() }
        let socket = daemon.socketPath
        let watch = try OutboxWatch(directories: [dir + "/outbox/police/new", dir + "/outbox/csc/new"])
        defer { watch.stop() }

        @Sendable func referral(_ ref: String, _ concern: String, child: Int, extra: String = "") -> [UInt8] {
            Array(#"{"format":"la-referral/1","contactId":"\#(ref)","localAuthority":"Camden","receivedAt":"2026-11-26T09:00:00Z","source":"2A","referrer":{"professional":true},"children":[{"firstName":"Child\#(child)","lastName":"Bench","dob":"2015-01-01"}],"concerns":["\#(concern)"],"description":"synthetic"\#(extra)}"#.utf8)
        }
        let failures = LockedCounter()
        let fillStart = Date()
        ClientThreads.run(4) { c in
            let lines = stride(from: c, to: greens, by: 4).map { referral("G-\($0)", "emotional-abuse", child: $0) }
            do { try IntakeClient(socketPath: socket).exchange(lines) { if !$0.ok { failures.add(1) } } } catch { failures.add(1) }
        }
        let filled = Date()
        let db = try DatabaseQueue(path: dir + "/mashd.sqlite", configuration: { var c = Configuration(); c.readonly = true; return c }())
        let queuedBefore = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE stage = 'new'") ?? 0 }

        let queue = LineQueue()
        let sentAt = LockedDates()
        var ids: [Int: String] = [:]
        let group = ClientThreads.start {
            do {
                try IntakeClient(socketPath: socket).exchange(queue) { reply in
                    if reply.ok, let id = reply.id { sentAt.name(reply.line - 1, id) } else { failures.add(1) }
                }
            } catch { failures.add(1) }
        }
        for r in 0..<reds {
            sentAt.sent(r)
            queue.push(referral("R-\(r)", "sexual-abuse", child: greens + r, extra: r % 2 == 0 ? #","immediateProtectionNeeded":true"# : ""))
            usleep(UInt32(intervalMs * 1000))
        }
        queue.close()
        group.wait()
        let queuedAfter = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE stage = 'new'") ?? 0 }
        let waiting = try db.read { try Int.fetchOne($0, sql: "SELECT count(*) FROM cases WHERE stage != 'decided' AND rag = 'green'") ?? 0 }
        usleep(2_000_000)
        for (i, id) in sentAt.ids { ids[i] = id }
        var latencies: [Double] = []
        var missing = 0
        for r in 0..<reds {
            guard let id = ids[r], let t0 = sentAt.time(r), let t1 = watch.firstSeen(prefix: id + ".") else {
                missing += 1
                continue
            }
            latencies.append(t1.timeIntervalSince(t0) * 1000)
        }
        guard failures.value == 0 else { throw ValidationError("\(failures.value) lines were refused; see \(daemon.logPath)") }
        latencies.sort()
        func pct(_ p: Double) -> Double { latencies.isEmpty ? .nan : latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
        print(
            "Green cases waiting for research and decision: \(waiting); not yet started: \(queuedBefore) when the first Red was sent, \(queuedAfter) after the last (filled in \(String(format: "%.1f", filled.timeIntervalSince(fillStart))) s)")
        print("reds  timed  missing  p50 ms  p90 ms  p99 ms  max ms")
        print(
            String(format: "%4d  %5d  %7d  %6.1f  %6.1f  %6.1f  %6.1f", reds, latencies.count, missing, pct(0.5), pct(0.9), pct(0.99),
                latencies.last ?? .nan))
    }
}

/// Send times and case ids of the timed lines.
final class LockedDates: @unchecked Sendable {
    private let lock = NSLock()
    private var times: [Int: Date] = [:]
    private var names: [Int: String] = [:]
    func sent(_ i: Int) { lock.withLock { times[i] = Date() } }
    func name(_ i: Int, _ id: String) { lock.withLock { names[i] = id } }
    func time(_ i: Int) -> Date? { lock.withLock { times[i] } }
    var ids: [Int: String] { lock.withLock { names } }
}
