import Foundation
import Logging
import MASHCore
import MASHMetrics
import MASHOutbox
import MASHStore
import NIOConcurrencyHelpers
import NIOPosix
import ServiceLifecycle

/// The MASH process after intake: research requests in priority order, decisions when research
/// is complete or due, and every product into its outbox. Workers take batches from the
/// priority queue; one more worker takes Red work only, so a Red case never waits behind Green.
///
/// Every step is recorded in the store before it counts: a decision is committed before its
/// products are written, and products are written before the step is marked done, so after a
/// crash each case resumes where the disk says it is, and a product that may already be in an
/// outbox is looked for before it is written again.
public final class ProcessEngine: Service, Sendable {
    public struct Configuration: Sendable {
        /// General workers (the urgent lane is one more).
        public var workers: Int
        /// Cases per batch a worker takes.
        public var batch: Int

        /// For crash tests only: the chance that the process exits at once after delivering a
        /// batch's products and before recording them, the window where a product is in an
        /// outbox and the store does not know it. Set from `MASHD_TEST_CRASH_AFTER_DELIVERY`.
        public var crashAfterDelivery: Double

        /// How long a general worker waits at most for intake to pause before its next batch.
        public var intakeYield: Duration

        public init(
            workers: Int = max(1, ProcessInfo.processInfo.activeProcessorCount), batch: Int = 64,
            intakeYield: Duration = .milliseconds(250), crashAfterDelivery: Double = 0
        ) {
            self.workers = workers
            self.intakeYield = intakeYield
            self.batch = batch
            self.crashAfterDelivery = crashAfterDelivery
        }
    }

    let store: CaseStore
    let outbox: Outbox
    let model: ActiveModel
    let configuration: Configuration
    let clock: @Sendable () -> Timestamp
    let logger: Logger
    let queue = CaseQueue()
    /// Threads for the blocking part of a batch (building products, writing files, fsync):
    /// blocking there keeps Swift's cooperative threads free for intake and the Red lane.
    /// Background work runs at a lower CPU priority (nice 10), so that on a busy machine
    /// acknowledging upstream lines comes before filing Green products; Red work has a pool of
    /// its own at normal priority (two threads: the urgent lane, and a general worker that took
    /// Red work from the top of the queue).
    let blocking: NIOThreadPool
    let urgentBlocking: NIOThreadPool
    let watch = ResearchWatch()
    /// Cases whose products may already be partly in outboxes (after a crash or a failed step).
    private let uncertain = LockedSet()
    /// Products staged and recorded as such but not yet recorded as delivered: published, or
    /// about to be (`Outbox.finishStaged`).
    private let staged = LockedStrings()
    /// What intake knew of cases not yet started: starting them reads nothing back.
    private let recent = RecentCases(capacity: 50_000)

    /// Called when a case has made progress (a product delivered), for the watchdog.
    private let progress: @Sendable () -> Void
    private let lastProgress = NIOLockedValueBox(ContinuousClock.now)
    /// When this mashd began watching deadlines: one that passed before it passed while mashd
    /// was down, and its case is escalated as late (`Decider`).
    private let watchingSince = NIOLockedValueBox<Timestamp?>(nil)

    public init(
        store: CaseStore, outbox: Outbox, model: ActiveModel, configuration: Configuration = .init(),
        clock: @escaping @Sendable () -> Timestamp, logger: Logger, progress: @escaping @Sendable () -> Void = {}
    ) {
        self.store = store
        self.outbox = outbox
        self.model = model
        self.configuration = configuration
        self.clock = clock
        self.logger = logger
        self.progress = progress
        self.blocking = NIOThreadPool(numberOfThreads: configuration.workers)
        self.blocking.start()
        self.urgentBlocking = NIOThreadPool(numberOfThreads: 2)
        self.urgentBlocking.start()
    }

    /// Rebuilds the queue and the research watch from the store. Run before intake opens.
    public func recover() async throws -> (queued: Int, researching: Int) {
        let r = try await store.recovery()
        uncertain.insert(r.uncertain)
        staged.insert(try await store.stagedProductIDs())
        let now = clock()
        watchingSince.withLockedValue { $0 = now }
        var items = r.items
        for e in r.research {
            if let item = watch.watch(
                e.sequence, .init(rag: e.rag, deadline: e.deadline, asked: e.asked, answered: e.answered), now: now)
            {
                items.append(item)
            }
        }
        queue.push(items)
        return (items.count, watch.count)
    }

    /// Hears what intake committed: new cases to start, answers that may complete research.
    public func intakeCommitted(_ events: [IntakeEvent]) {
        var items: [WorkItem] = []
        for e in events {
            switch e {
            case .newCase(let item, let facts):
                recent.insert(item.sequence, facts)
                items.append(item)
            case .answer(let seq, let agency, let late):
                if !late, let item = watch.answered(seq, by: agency) { items.append(item) }
            }
        }
        queue.push(items)
    }

    /// For the watchdog: idle, or a batch finished within `interval`. A worker stuck on a batch
    /// (a hung disk, a deadlock) stops the pings, and systemd restarts mashd.
    public func isHealthy(within interval: Duration) -> Bool {
        queue.isIdle || ContinuousClock.now - lastProgress.withLockedValue({ $0 }) < interval
    }

    /// Queue depth per RAG (nil: open cases), and the earliest research deadline.
    public var status: (depth: [RAG?: Int], researching: Int, nextDeadline: Timestamp?) {
        (queue.depth, watch.count, watch.nextDeadline)
    }

    public func run() async throws {
        // A graceful shutdown and a cancellation (the service group's answer to another
        // service failing) both stop the queue: every loop here ends when it is stopped, and
        // none may spin on a cancelled sleep.
        await withTaskCancellationHandler {
            await withGracefulShutdownHandler {
                await withDiscardingTaskGroup { group in
                    group.addTask { await self.work(urgentOnly: true) }
                    for _ in 0..<self.configuration.workers {
                        group.addTask { await self.work(urgentOnly: false) }
                    }
                    group.addTask { await self.deadlines() }
                }
            } onGracefulShutdown: {
                self.queue.stop()
            }
        } onCancel: {
            self.queue.stop()
        }
        try await blocking.shutdownGracefully()
        try await urgentBlocking.shutdownGracefully()
    }

    private func deadlines() async {
        while !queue.isStopped {
            queue.push(watch.due(at: clock()))
            try? await Task.sleep(for: .milliseconds(50))
        }
    }

    private func work(urgentOnly: Bool) async {
        while true {
            if !urgentOnly { await yieldToIntake() }
            guard let items = await queue.take(limit: urgentOnly ? 8 : configuration.batch, urgentOnly: urgentOnly) else { return }
            do {
                try await process(items)
                queue.done(items.map(\.sequence))
                lastProgress.withLockedValue { $0 = .now }
                progress()
            } catch {
                // Some products may be out: look before writing them again.
                uncertain.insert(Set(items.map(\.sequence)))
                queue.done(items.map(\.sequence))
                // Stopping: the cases stay in the store, and the next start takes them up.
                let stopping = queue.isStopped
                logger.error(
                    stopping ? "process step failed while stopping; the next start takes these cases up" : "process step failed; retrying in 1 s",
                    metadata: ["error": "\(error)", "cases": "\(items.count)"])
                if stopping { return }
                try? await Task.sleep(for: .seconds(1))
                if queue.isStopped { return }
                queue.push(items)
            }
        }
    }

    /// Intake first: while lines are arriving, a general worker waits for a gap, up to
    /// `intakeYield`, before its next batch. Acknowledging a line is what makes it safe, so a
    /// burst is taken in at full speed and worked off after. Red work is not held back: the
    /// urgent lane never waits here, and neither does a general worker when Red work is next.
    /// The bound keeps the rest moving under a sustained flood.
    private func yieldToIntake() async {
        let until = ContinuousClock.now + configuration.intakeYield
        while store.intakeActive(within: .milliseconds(20)), ContinuousClock.now < until, !queue.isStopped, !queue.nextIsUrgent {
            try? await Task.sleep(for: .milliseconds(5))
        }
    }

    /// One batch: decide what is due, build products, deliver them, record them.
    func process(_ items: [WorkItem]) async throws {
        let priority: CaseStore.WritePriority = items.first?.isUrgent == true ? .urgent : .background
        let m = model.value
        let now = clock()
        // A case just accepted is in memory; any other is read from the store.
        var cases: [Int64: LoadedCase] = [:]
        var toLoad: [Int64] = []
        for item in items {
            if item.step == .start, let facts = recent.take(item.sequence) {
                cases[item.sequence] = LoadedCase(sequence: item.sequence, stage: .new, dispatched: 0, facts: facts, decision: nil, asked: [])
            } else {
                toLoad.append(item.sequence)
            }
        }
        for (seq, c) in try await store.load(toLoad, history: false) { cases[seq] = c }

        var starts: [StartRecord] = []
        var toDecide: [CaseStore.DecisionInput] = []
        var toDispatch: [(LoadedCase, Decision)] = []
        var startFacts: [Int64: CaseFacts] = [:]
        for item in items {
            guard let c = cases[item.sequence] else { continue }
            let s = c.facts.screening
            switch c.stage {
            case .new:
                let rag = s.rag ?? .blue
                let asked = s.route == .openCase ? [] : (m.model.researchRecipients[rag] ?? [])
                if asked.isEmpty {
                    // An open case, Blue, or a model asking nobody: decided at once.
                    toDecide.append(.init(sequence: c.sequence, screening: s, deadline: nil))
                    continue
                }
                var facts = c.facts
                facts.deadline = c.facts.acceptedAt.adding(seconds: m.model.timescales[rag] ?? 0)
                startFacts[c.sequence] = facts
                starts.append(StartRecord(sequence: c.sequence, asked: asked, deadline: facts.deadline!, products: []))
            case .researching:
                if item.step == .decide { toDecide.append(.init(sequence: c.sequence, screening: s, deadline: c.facts.deadline)) }
            case .decided:
                if c.dispatched != 1, let d = c.decision { toDispatch.append((c, d)) }
            }
        }

        // Decisions are committed before their products exist.
        let decided = try await store.decide(
            toDecide, now: now, model: m.model, identity: m.identity, priority: priority,
            watchedSince: watchingSince.withLockedValue { $0 })
        for (seq, result) in decided {
            guard var c = cases[seq] else { continue }
            c.facts.answers = result.answers
            toDispatch.append((c, result.decision))
        }

        // The products that list the child's earlier cases: urgent strategy, and decisions.
        var needHistory = toDispatch.map { ($0.0.sequence, $0.0.facts.notification) }
        for s in starts where startFacts[s.sequence]?.screening.route == .immediateRisk {
            needHistory.append((s.sequence, startFacts[s.sequence]!.notification))
        }
        let history = try await store.history(needHistory)

        for i in starts.indices {
            var facts = startFacts[starts[i].sequence]!
            facts.history = history[facts.caseId.sequence.asInt64] ?? []
            var products = ProductBuilder.researchRequests(facts, recipients: starts[i].asked, createdAt: now)
            if facts.screening.route == .immediateRisk {
                products = ProductBuilder.urgentStrategy(facts, recipients: m.model.immediateRisk.urgentRecipients, createdAt: now)
                    + products
            }
            starts[i].products = products
        }

        var sure: [Product] = [], unsure: [Product] = []
        var decidedProducts: [(sequence: Int64, products: [Product])] = []
        var caseOf: [String: Int64] = [:]
        for s in starts {
            if uncertain.contains(s.sequence) { unsure += s.products } else { sure += s.products }
            for p in s.products { caseOf[p.id] = s.sequence }
        }
        for (c, d) in toDispatch {
            var facts = c.facts
            facts.history = history[c.sequence] ?? []
            let products = ProductBuilder.decisionProducts(facts, decision: d, model: m.model)
            decidedProducts.append((c.sequence, products))
            if uncertain.contains(c.sequence) { unsure += products } else { sure += products }
            for p in products { caseOf[p.id] = c.sequence }
        }
        // Products an earlier attempt staged and recorded may be out already, even if their
        // collector has taken them away: they are finished, never written again.
        let earlier = unsure.filter { staged.contains($0.id) }.map { (id: $0.id, recipient: $0.recipient) }
        let fresh = unsure.filter { !staged.contains($0.id) }
        let outbox = self.outbox
        let urgent = priority == .urgent
        let pool = urgent ? urgentBlocking : blocking
        // 1. Stage: every file written in tmp/ and durable, nothing visible yet, in one pass
        // (one syncfs, or one fsync per directory). Red work syncs its own files only: a
        // syncfs would also wait for every dirty page of the Green work and the store, and a
        // Red case's wait would grow with them. Urgent-strategy products go first in each step:
        // they are the ones someone is waiting for.
        let ordered = sure.filter { $0.kind == .urgentStrategy } + sure.filter { $0.kind != .urgentStrategy }
        let toPublish = try await pool.runIfActive { () throws -> [Product] in
            if !urgent { BackgroundPriority.lowerCurrentThread() }
            let sync: Outbox.Sync = urgent ? .eachFile : .filesystem
            try outbox.finishStaged(earlier)
            return try outbox.stage(ordered, skipDelivered: false, sync: sync) + outbox.stage(fresh, skipDelivered: true, sync: sync)
        }
        // 2. Record the started cases as delivering and what was staged, so that a crash from
        // here on is known, and a product published and then taken away is not written again.
        try await store.markDelivering(starts.map(\.sequence), staged: toPublish.map { (caseOf[$0.id]!, $0) }, priority: priority)
        staged.insert(toPublish.map(\.id))
        // 3. Publish, in the same order, then fsync each new/ once.
        try await pool.runIfActive { try outbox.publish(toPublish) }
        if configuration.crashAfterDelivery > 0, Double.random(in: 0..<1) < configuration.crashAfterDelivery {
            logger.critical(
                "crash test: exiting after delivery, before recording it",
                metadata: ["products": "\(sure.count + unsure.count)", "first": "\((sure + unsure).first?.id ?? "-")"])
            exit(86)
        }

        let answered = try await store.recordDelivered(started: starts, decided: decidedProducts, at: clock(), priority: priority)
        uncertain.remove(starts.map(\.sequence) + decidedProducts.map(\.sequence))
        staged.remove(Array(caseOf.keys))

        // Research now under watch; already complete or due: decide next.
        var next: [WorkItem] = []
        let after = clock()
        for s in starts {
            let rag = startFacts[s.sequence]?.screening.rag
            if let item = watch.watch(
                s.sequence, .init(rag: rag, deadline: s.deadline, asked: Set(s.asked), answered: answered[s.sequence] ?? []),
                now: after)
            {
                next.append(item)
            }
        }
        queue.push(next)
        for (seq, result) in decided {
            let d = result.decision
            Meters.decision(outcome: d.outcome, rag: d.rag?.rawValue ?? "none")
            if let accepted = cases[seq]?.facts.acceptedAt {
                Meters.decisionLatency.recordMicroseconds(max(0, d.decidedAt.epochMicroseconds - accepted.epochMicroseconds))
            }
            if !d.unanswered.isEmpty { Meters.escalation(reason: "unanswered") }
            if d.lateBySeconds != nil { Meters.escalation(reason: "late") }
            logger.info(
                "case decided: \(d.outcome)",
                metadata: [
                    "event": "decided", "case": "\(CaseID(sequence: UInt64(seq)))", "outcome": "\(d.outcome)",
                    "rag": "\(d.rag?.rawValue ?? "none")",
                ])
        }
        for p in starts.flatMap(\.products) + decidedProducts.flatMap(\.products) {
            Meters.product(agency: p.recipient.name, kind: p.kind.rawValue)
            let escalation = p.kind == .escalation
            logger.info(
                escalation ? "escalated to \(p.recipient)" : "product dispatched",
                metadata: [
                    "event": escalation ? "escalated" : "dispatched", "case": "\(p.caseId.map(\.text) ?? "-")",
                    "agency": "\(p.recipient)", "kind": "\(p.kind.rawValue)", "product": "\(p.id)",
                ])
        }
    }
}

/// Facts of cases just accepted, kept until they are started. Bounded: past its capacity a
/// case is simply read back from the store when its turn comes.
final class RecentCases: Sendable {
    private let capacity: Int
    private let box = NIOLockedValueBox([Int64: CaseFacts]())

    init(capacity: Int) { self.capacity = capacity }

    func insert(_ seq: Int64, _ facts: CaseFacts) {
        box.withLockedValue { if $0.count < capacity { $0[seq] = facts } }
    }

    func take(_ seq: Int64) -> CaseFacts? { box.withLockedValue { $0.removeValue(forKey: seq) } }
}

extension UInt64 {
    var asInt64: Int64 { Int64(self) }
}

/// A set of product ids shared between workers.
final class LockedStrings: Sendable {
    private let box = NIOLockedValueBox(Set<String>())
    func insert(_ s: [String]) { box.withLockedValue { $0.formUnion(s) } }
    func contains(_ x: String) -> Bool { box.withLockedValue { $0.contains(x) } }
    func remove(_ xs: [String]) { box.withLockedValue { for x in xs { $0.remove(x) } } }
}

/// A set of case sequences shared between workers.
final class LockedSet: Sendable {
    private let box = NIOLockedValueBox(Set<Int64>())
    func insert(_ s: Set<Int64>) { box.withLockedValue { $0.formUnion(s) } }
    func contains(_ x: Int64) -> Bool { box.withLockedValue { $0.contains(x) } }
    func remove(_ xs: [Int64]) { box.withLockedValue { for x in xs { $0.remove(x) } } }
}
