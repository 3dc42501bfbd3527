import Foundation
import Logging
import MASHAdapters
import MASHCore
@testable import MASHIntake
import MASHStore
import MASHWire
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import ServiceLifecycleTestKit
import Testing

/// Group commit as upstream sees it: every line answered once, in order, after its group has
/// committed, and the engine told of every group in commit order, including when the
/// committer is stopped or cancelled while groups are committing.
struct IntakeCommitterTests {
    let dir: String
    let store: CaseStore
    let committer: IntakeCommitter
    let heard = NIOLockedValueBox<[Int64]>([])
    let group = MultiThreadedEventLoopGroup(numberOfThreads: 2)

    init() throws {
        dir = NSTemporaryDirectory() + "mashd-committer-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try CaseStore(path: dir + "/mashd.sqlite")
        let model = ActiveModel(.init(screening: .standard, isStandard: true, differences: [], source: "embedded"))
        let heard = self.heard
        committer = IntakeCommitter(
            store: store, model: model, configuration: .init(maximumBatch: 50),
            clock: { Timestamp(rfc3339: "2026-11-27T10:00:00Z")! }, logger: Logger(label: "test"),
            onCommit: { events in
                heard.withLockedValue { h in
                    for case .newCase(let item, _) in events { h.append(item.sequence) }
                }
            })
    }

    /// Distinct referrals numbered `numbers`, submitted from both event loops in turn.
    func submit(_ numbers: ClosedRange<Int>) throws -> [EventLoopFuture<CommitOutcome>] {
        let decoder = LineDecoder(adapters: Adapters.all)
        return try numbers.map { i in
            let text =
                #"{"format":"la-referral/1","contactId":"R-\#(i)","localAuthority":"Hackney","receivedAt":"2026-11-26T09:00:00Z","source":"2A","referrer":{"professional":true},"children":[{"firstName":"C\#(i)","lastName":"Marsh","dob":"2017-04-22"}],"concerns":["neglect"],"description":"x"}"#
            let promise = group.next().makePromise(of: CommitOutcome.self)
            committer.submit(IntakeLine(try decoder.decode(Array(text.utf8)).get()), promise: promise)
            return promise.futureResult
        }
    }

    /// Case sequences of the accepted answers, and how many lines were refused `busy`.
    static func answers(_ futures: [EventLoopFuture<CommitOutcome>]) async throws -> (accepted: [UInt64], busy: Int) {
        var accepted: [UInt64] = [], busy = 0
        for f in futures {
            switch try await f.get() {
            case .accepted(let id, _, _, false, _): accepted.append(id.sequence)
            case .rejected(let e) where e.code == .busy: busy += 1
            case let other: Issue.record("unexpected answer \(other)")
            }
        }
        return (accepted, busy)
    }

    @Test func everyLineIsAnsweredInOrderAndTheEngineHearsEveryGroupInOrder() async throws {
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await self.committer.run() }
            let first = try submit(1...400)
            try await Task.sleep(for: .milliseconds(5))
            let rest = try submit(401...1000)
            let (accepted, busy) = try await Self.answers(first + rest)
            #expect(busy == 0)
            #expect(accepted == Array(1...1000))
            tasks.cancelAll()
        }
        #expect(heard.withLockedValue { $0 } == Array(1...1000))
        #expect(committer.isHealthy(within: .zero))  // nothing outstanding
        try await group.shutdownGracefully()
    }

    @Test func aGracefulStopWhileGroupsCommitAnswersEveryLineOk() async throws {
        let futures = try submit(1...1000)
        try await testGracefulShutdown { trigger in
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await self.committer.run() }
                trigger.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
        let (accepted, busy) = try await Self.answers(futures)
        #expect(busy == 0)
        #expect(accepted == Array(1...1000))
        #expect(heard.withLockedValue { $0 } == Array(1...1000))
        #expect(try store.counts().cases == 1000)
        try await group.shutdownGracefully()
    }

    @Test func aCancelledCommitterStillAnswersEveryLineAndNeverOkWithoutTheCase() async throws {
        let futures = try submit(1...1000)
        let run = Task { try await committer.run() }
        // Cancelled once groups are committing, as a failing service group cancels it.
        for _ in 0..<5000 where try store.counts().cases == 0 { try await Task.sleep(for: .milliseconds(1)) }
        run.cancel()
        try await run.value
        let (accepted, busy) = try await Self.answers(futures)
        #expect(accepted.count + busy == 1000)
        // Every ok is a case on disk, in order; what was not committed is `busy`.
        #expect(!accepted.isEmpty)
        #expect(accepted == (0..<accepted.count).map { UInt64($0 + 1) })
        #expect(try store.counts().cases == accepted.count)
        try await group.shutdownGracefully()
    }
}
