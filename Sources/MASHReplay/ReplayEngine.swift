import Foundation
import HeapModule
import MASHAdapters
import MASHCore
import MASHStore
import MASHWire

/// The dry run: the whole MASH process over historic or synthetic notifications in simulated
/// time. Each notification's own timestamp is its intake time, research answers arrive at
/// their `respondedAt`, and deadlines fire on the simulated clock. Screening, decisions and
/// products are the core's own, with the model given; products go to the sandbox only.
public final class ReplayEngine {
    public struct Options {
        public var model: RiskModel
        public var identity: ModelIdentity
        /// Where to write the store and the products; nil to keep results in memory only
        /// (for `--compare`).
        public var sandbox: String?
        /// Called now and then with (lines done, lines in all).
        public var progress: (Int, Int) -> Void

        public init(model: RiskModel, identity: ModelIdentity, sandbox: String?, progress: @escaping (Int, Int) -> Void = { _, _ in }) {
            self.model = model
            self.identity = identity
            self.sandbox = sandbox
            self.progress = progress
        }
    }

    /// What a dry run did.
    public struct Summary: Sendable {
        public var lines = 0
        public var notifications = 0
        public var duplicates = 0
        public var rejected: [String: Int] = [:]
        public var answers = 0
        public var lateAnswers = 0
        public var unrequestedAnswers = 0
        public var byRAG: [String: Int] = [:]
        public var byOutcome: [String: Int] = [:]
        public var escalations = 0
        /// The deployment's own escalation when the model is a local variation (not a case's).
        public var variationEscalations = 0
        public var products: [String: Int] = [:]
        public var decidedLate = 0
        public var first: Timestamp?
        public var last: Timestamp?
    }

    /// One case's result, for comparing models.
    public struct Result: Sendable, Equatable {
        public var caseId: CaseID
        public var reference: String
        public var level: Int?
        public var rag: String
        public var outcome: String
        public var recipients: [String]
    }

    final class SimCase {
        let seq: Int64
        let id: CaseID
        let format: String
        var notification: MASHNotification
        let line: String
        let warnings: [IntakeWarning]
        let screening: Screening
        let acceptedAt: Timestamp
        var asked: [Agency] = []
        var deadline: Timestamp?
        var answers: [ResearchAnswer] = []
        var answerLines: [(agency: Agency, respondedAt: Timestamp, line: String)] = []
        var decision: Decision?

        init(seq: Int64, format: String, notification: MASHNotification, line: String, warnings: [IntakeWarning], screening: Screening, acceptedAt: Timestamp) {
            self.seq = seq
            id = CaseID(sequence: UInt64(seq))
            self.format = format
            self.notification = notification
            self.line = line
            self.warnings = warnings
            self.screening = screening
            self.acceptedAt = acceptedAt
        }
    }

    /// A chunk's decoded lines, filled on the decode queue.
    final class DecodedChunk: @unchecked Sendable {
        var results: [Swift.Result<LineDecoder.Line, LineDecoder.Rejection>] = []
    }

    struct Deadline: Comparable {
        var time: Int64
        var seq: Int64
        static func < (a: Deadline, b: Deadline) -> Bool { (a.time, a.seq) < (b.time, b.seq) }
    }

    let options: Options
    public private(set) var summary = Summary()
    public private(set) var results: [String: Result] = [:]
    private var cases: [Int64: SimCase] = [:]
    /// Outcome of every case decided, for the history lists of later products.
    private var outcomes: [Int64: (date: FullDate, stream: NotificationStream, outcome: String, asked: [Agency])] = [:]
    private var refs: [String: Int64] = [:]
    private var index = SameChildIndex()
    private var deadlines = Heap<Deadline>()
    private var nextSeq: Int64 = 1
    private let store: SandboxStore?
    /// Products of a dry run go to `SANDBOX/outbox/AGENCY.ndjson`, one per line: a year of
    /// rehearsal makes millions of them, too many for one file each.
    private var outboxes: [Agency: FileHandle] = [:]
    private var pending: [PendingProduct] = []
    /// Renders and appends the product files, beside the store's writer.
    private let files = BatchWriter(label: "mashctl.replay.outbox")
    private let decoder = LineDecoder(adapters: Adapters.all)

    public init(_ options: Options) throws {
        self.options = options
        if let sandbox = options.sandbox {
            try ReplayError.checkNew(sandbox)
            try FileManager.default.createDirectory(atPath: sandbox + "/outbox", withIntermediateDirectories: true)
            store = try SandboxStore(path: sandbox + "/mashd.sqlite")
        } else {
            store = nil
        }
    }

    /// A line to replay and the time it arrives at.
    struct Event: @unchecked Sendable {
        var time: Int64
        var index: Int
        var line: ArraySlice<UInt8>
    }

    /// Replays every line of `data` (NDJSON, in any order: events are sorted by their time).
    public func run(_ data: [UInt8]) throws {
        var events: [Event] = []
        var n = 0
        for raw in data.split(separator: 0x0A, omittingEmptySubsequences: true) {
            var line = raw
            if line.last == 0x0D { line = line.dropLast() }
            if line.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) { continue }
            events.append(Event(time: Self.time(of: line) ?? Int64.min, index: n, line: line))
            n += 1
        }
        // Stable: same time, file order.
        events.sort { ($0.time, $0.index) < ($1.time, $1.index) }
        summary.lines += events.count

        // The next chunk is decoded on other threads while this one simulates the current.
        let chunk = 8192
        var done = 0
        let chunks = stride(from: 0, to: events.count, by: chunk).map { Array(events[$0..<min($0 + chunk, events.count)]) }
        let ahead = DispatchQueue(label: "mashctl.replay.decode")
        let decoder = self.decoder
        var next: DecodedChunk? = chunks.first.map { first in
            let c = DecodedChunk()
            ahead.async { c.results = Self.decodeAll(first, decoder) }
            return c
        }
        for (i, slice) in chunks.enumerated() {
            ahead.sync {}
            let decoded = next!.results
            if i + 1 < chunks.count {
                let c = DecodedChunk()
                let following = chunks[i + 1]
                ahead.async { c.results = Self.decodeAll(following, decoder) }
                next = c
            }
            for (event, result) in zip(slice, decoded) {
                try step(event, result)
            }
            done += slice.count
            options.progress(done, events.count)
        }
    }

    /// Ends the run: every deadline still pending fires, the sandbox is written out.
    public func finish() throws -> Summary {
        while let d = deadlines.popMin() { try fire(d) }
        let standard = CanonicalModel.identity(StandardModel.model)
        let differences = ModelDifferences.between(StandardModel.model, options.model)
        let goLive = summary.first ?? Timestamp(epochMicroseconds: 0)
        if let store {
            try store.deployment(
                options.identity, standard: options.identity == standard, differences: differences, source: "replay", at: goLive)
        }
        // As a live start does: a local variation is reported to the MASH manager at go-live.
        if options.identity != standard {
            summary.variationEscalations += 1
            try deliver(
                [
                    ProductBuilder.pendingVariationEscalation(
                        identity: options.identity, standard: standard, differences: differences, to: options.model.escalationRecipient,
                        createdAt: goLive)
                ], at: goLive)
        }
        try flushProducts()
        try store?.finish()
        try files.finish()
        for (_, h) in outboxes { try h.close() }
        return summary
    }

    static func decodeAll(_ events: [Event], _ decoder: LineDecoder) -> [Swift.Result<LineDecoder.Line, LineDecoder.Rejection>] {
        var out = [Swift.Result<LineDecoder.Line, LineDecoder.Rejection>?](repeating: nil, count: events.count)
        let workers = max(1, ProcessInfo.processInfo.activeProcessorCount - 1)
        let per = (events.count + workers - 1) / workers
        out.withUnsafeMutableBufferPointer { buffer in
            nonisolated(unsafe) let b = buffer
            DispatchQueue.concurrentPerform(iterations: workers) { w in
                for i in (w * per)..<min((w + 1) * per, events.count) {
                    b[i] = events[i].line.withUnsafeBytes { decoder.decode($0) }
                }
            }
        }
        return out.map { $0! }
    }

    /// The event's own time, found without decoding the whole line: `createdAt`, `receivedAt`
    /// or `respondedAt`. A line without one sorts first and is refused when decoded.
    static func time(of line: ArraySlice<UInt8>) -> Int64? {
        // Every format has exactly one of these keys; all end in `At":"`.
        let keys: [[UInt8]] = ["\"createdAt", "\"receivedAt", "\"respondedAt"].map { Array($0.utf8) }
        let tail: [UInt8] = Array("At\":\"".utf8)
        return line.withUnsafeBufferPointer { b -> Int64? in
            var i = 0
            while i + tail.count < b.count {
                if b[i] == tail[0], b[i + 1] == tail[1], b[i + 2] == tail[2], b[i + 3] == tail[3], b[i + 4] == tail[4] {
                    let keyEnd = i + 2
                    for k in keys where keyEnd >= k.count && b[(keyEnd - k.count)..<keyEnd].elementsEqual(k) {
                        let start = i + 5
                        var end = start
                        while end < b.count, b[end] != UInt8(ascii: "\"") { end += 1 }
                        return Timestamp(rfc3339: String(decoding: UnsafeBufferPointer(rebasing: b[start..<end]), as: UTF8.self))?
                            .epochMilliseconds
                    }
                }
                i += 1
            }
            return nil
        }
    }

    func step(_ event: Event, _ result: Swift.Result<LineDecoder.Line, LineDecoder.Rejection>) throws {
        // Deadlines already passed fire first. One falling at this very moment has not passed
        // (MASH.md: research ends when the deadline passes), so an answer given at the
        // deadline itself is in time, as the report counts it.
        while let d = deadlines.min, d.time < event.time {
            deadlines.removeMin()
            try fire(d)
        }
        switch result {
        case .failure(let r):
            summary.rejected[r.error.code.description, default: 0] += 1
        case .success(let line):
            switch line.decoded.intake {
            case .notification(let n): try accept(n, line)
            case .research(let a): try research(a, line)
            }
        }
    }

    func accept(_ n: MASHNotification, _ line: LineDecoder.Line) throws {
        let key = line.format + "\u{0}" + n.sourceReference
        guard refs[key] == nil else {
            summary.duplicates += 1
            return
        }
        let seq = nextSeq
        nextSeq += 1
        refs[key] = seq
        let model = options.model
        let history = index.history(of: n, windowDays: model.repeatRule.windowDays, limit: model.repeatRule.earlierNotifications)
        let screening = Screener.screen(n, history: history, model: model)
        let now = n.time
        if summary.first == nil { summary.first = now }
        reached(now)
        summary.notifications += 1
        summary.byRAG[screening.rag?.rawValue ?? "none", default: 0] += 1
        let c = SimCase(
            seq: seq, format: line.format, notification: n, line: line.text, warnings: line.decoded.warnings, screening: screening,
            acceptedAt: now)
        cases[seq] = c
        index.add(n, sequence: seq)
        let rag = screening.rag ?? .blue
        let asked = screening.route == .openCase ? [] : (model.researchRecipients[rag] ?? [])
        if asked.isEmpty {
            try decide(c, at: now)
            return
        }
        c.asked = asked
        c.deadline = now.adding(seconds: model.timescales[rag] ?? 0)
        deadlines.insert(Deadline(time: c.deadline!.epochMilliseconds, seq: seq))
        var facts = self.facts(c)
        facts.deadline = c.deadline
        var products = ProductBuilder.pendingResearchRequests(facts, recipients: asked, createdAt: now)
        if screening.route == .immediateRisk {
            products = ProductBuilder.pendingUrgentStrategy(facts, recipients: model.immediateRisk.urgentRecipients, createdAt: now) + products
        }
        try deliver(products, at: now)
    }

    func research(_ a: ResearchAnswer, _ line: LineDecoder.Line) throws {
        let seq = Int64(a.caseId.sequence)
        let now = a.respondedAt
        reached(now)
        guard let c = cases[seq] else {
            // Decided and written out, or never a case.
            if let o = outcomes[seq] {
                // As the report counts it: late if the agency was asked, else unrequested.
                summary.answers += 1
                if o.asked.contains(a.agency) { summary.lateAnswers += 1 } else { summary.unrequestedAnswers += 1 }
                try store?.answer(caseSeq: seq, agency: a.agency, respondedAt: now, acceptedAt: now, line: line.text, late: true)
            } else {
                summary.rejected["unknown-case", default: 0] += 1
            }
            return
        }
        if c.answerLines.contains(where: { $0.agency == a.agency }) {
            summary.duplicates += 1
            return
        }
        summary.answers += 1
        if !c.asked.contains(a.agency) { summary.unrequestedAnswers += 1 }
        c.answerLines.append((a.agency, now, line.text))
        c.answers.append(a)
        if Set(c.asked).isSubset(of: Set(c.answers.map(\.agency))) { try decide(c, at: now) }
    }

    func fire(_ d: Deadline) throws {
        guard let c = cases[d.seq], c.decision == nil else { return }
        try decide(c, at: Timestamp(epochMicroseconds: d.time * 1000))
    }

    func facts(_ c: SimCase) -> CaseFacts {
        let history = index.earlier(than: c.notification).filter { $0 < c.seq }.compactMap { s -> HistoryEntry? in
            if let o = outcomes[s] { return HistoryEntry(caseId: CaseID(sequence: UInt64(s)), date: o.date, stream: o.stream, outcome: o.outcome) }
            if let e = cases[s] {
                return HistoryEntry(caseId: e.id, date: e.notification.time.localDate, stream: e.notification.stream, outcome: "pending")
            }
            return nil
        }
        return CaseFacts(
            caseId: c.id, notification: c.notification, screening: c.screening, screeningModel: options.identity, acceptedAt: c.acceptedAt,
            deadline: c.deadline, answers: c.answers, history: history)
    }

    /// The simulated clock's latest time: the summary's end is the last event, not the last
    /// notification.
    func reached(_ t: Timestamp) {
        if summary.last.map({ t > $0 }) ?? true { summary.last = t }
    }

    func decide(_ c: SimCase, at now: Timestamp) throws {
        reached(now)
        let d = Decider.decide(
            screening: c.screening, asked: c.asked, answers: c.answers, deadline: c.deadline, now: now, model: options.model,
            identity: options.identity)
        c.decision = d
        summary.byOutcome[d.outcome, default: 0] += 1
        if d.needsEscalation { summary.escalations += 1 }
        if d.lateBySeconds != nil { summary.decidedLate += 1 }
        let products = ProductBuilder.pendingDecisionProducts(facts(c), decision: d, model: options.model)
        try deliver(products, at: now)
        results[c.format + " " + c.notification.sourceReference] = Result(
            caseId: c.id, reference: c.notification.sourceReference, level: d.level, rag: d.rag?.rawValue ?? "none", outcome: d.outcome,
            recipients: d.recipients.map(\.name))
        outcomes[c.seq] = (c.notification.time.localDate, c.notification.stream, d.outcome, c.asked)
        if let store {
            try store.insert(
                SandboxStore.CaseRow(
                    seq: c.seq, id: c.id, format: c.format, ref: c.notification.sourceReference, stream: c.notification.stream.rawValue,
                    authority: c.notification.authority.gss, notifiedAt: c.notification.time, acceptedAt: c.acceptedAt,
                    screening: c.screening, model: options.identity,
                    warnings: c.warnings.isEmpty ? nil : "[" + c.warnings.map { #"{"code":"\#($0.code)","field":"\#($0.field)"}"# }.joined(separator: ",") + "]",
                    line: c.line, deadline: c.deadline, decision: d,
                    childKeys: c.notification.children.map { $0.matchKeys.map(\.indexKey) }, asked: c.asked))
            for a in c.answerLines {
                try store.answer(caseSeq: c.seq, agency: a.agency, respondedAt: a.respondedAt, acceptedAt: a.respondedAt, line: a.line, late: false)
            }
        }
        cases.removeValue(forKey: c.seq)
    }

    func deliver(_ products: [PendingProduct], at: Timestamp) throws {
        for p in products { summary.products[p.recipient.name, default: 0] += 1 }
        guard options.sandbox != nil else { return }
        try store?.products(products, at: at)
        pending += products
        if pending.count >= 4096 { try flushProducts() }
    }

    /// Renders pending products on the files queue, behind the simulation and beside the
    /// store's writer (each has a core's worth of work in a large run), and appends each
    /// agency's to its file in the order they were made.
    func flushProducts() throws {
        try files.check()
        guard let sandbox = options.sandbox, !pending.isEmpty else { return }
        for agency in Set(pending.map(\.recipient)) where outboxes[agency] == nil {
            let path = "\(sandbox)/outbox/\(agency).ndjson"
            // Should the file not be made, opening it says why.
            _ = FileManager.default.createFile(atPath: path, contents: nil)
            outboxes[agency] = try FileHandle(forWritingTo: URL(fileURLWithPath: path))
        }
        let batch = pending
        let handles = outboxes
        pending = []
        try files.submit {
            var bytes: [Agency: [UInt8]] = [:]
            for p in batch { bytes[p.recipient, default: []].append(contentsOf: p.render().body) }
            for (agency, b) in bytes { try handles[agency]?.write(contentsOf: b) }
        }
    }
}
