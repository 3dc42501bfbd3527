import Foundation
import GRDB
import Logging
import MASHAdapters
import MASHCore
@testable import MASHStore
import MASHWire
import Testing

/// The store's promises: durability settings, the duplicate rule, the repeat rule over
/// history, and research answers keyed by case and agency.
struct CaseStoreTests {
    let dir: String
    let store: CaseStore
    let decoder = LineDecoder(adapters: Adapters.all)
    static let now = Timestamp(rfc3339: "2026-11-27T10:00:00Z")!

    init() throws {
        dir = NSTemporaryDirectory() + "mashd-store-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        store = try CaseStore(path: dir + "/mashd.sqlite")
    }

    func line(_ text: String) throws -> IntakeLine {
        IntakeLine(try decoder.decode(Array(text.utf8)).get())
    }

    func commit(_ texts: [String]) async throws -> [CommitOutcome] {
        await store.commit(try texts.map(line), acceptedAt: Self.now, model: .standard)
    }

    /// An LA referral about one child, with the given reference, time, concerns and identifiers.
    static func referral(
        _ ref: String, at time: String = "2026-11-26T09:00:00Z", concerns: String = #"["neglect"]"#,
        child: String = #""firstName":"Leo","lastName":"Marsh","dob":"2017-04-22""#
    ) -> String {
        #"{"format":"la-referral/1","contactId":"\#(ref)","localAuthority":"Hackney","receivedAt":"\#(time)","source":"2A","referrer":{"professional":true},"children":[{\#(child)}],"concerns":\#(concerns),"description":"x"}"#
    }

    static func police(_ ref: String, at time: String, child: String) -> String {
        #"{"format":"merlin/1","merlinRef":"\#(ref)","borough":"Hackney","createdAt":"\#(time)","trigger":"other","referralType":"formal-referral","officerRisk":"low","concerns":["emotional-abuse"],"children":[{\#(child)}]}"#
    }

    func rag(_ o: CommitOutcome) -> String? {
        if case .accepted(_, _, let rag, _, _) = o { return rag }
        return nil
    }

    @Test func migrationV4RewritesDecomposedNameKeysToNFC() throws {
        let path = dir + "/old.sqlite"
        var config = Configuration()
        config.foreignKeysEnabled = false
        do {
            let old = try DatabaseQueue(path: path, configuration: config)
            try StoreSchema.migrator.migrate(old, upTo: "v3-child-keys")
            try old.write { db in
                try db.execute(
                    sql: """
                        INSERT INTO cases (seq, id, format, source_ref, stream, authority, notified_at, accepted_at,
                                           route, level, rag, screening, model, warnings, line)
                        VALUES (1, '100-01W', 'la-referral/1', 'R-1', 'local-authority', 'E09000012', 1, 1,
                                'standard', 2, 'green', '{}', '{}', '[]', '{}')
                        """)
                for key in ["name:zoe\u{0308}|ann|2015-01-01", "name:marsh|leo|2017-04-22", "nhs:9434765919"] {
                    try db.execute(sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) VALUES (?, 1, 1, 0)", arguments: [key])
                }
            }
        }
        _ = try CaseStore(path: path)
        let keys = try DatabaseQueue(path: path, configuration: config).read { db in
            try String.fetchAll(db, sql: "SELECT key FROM child_keys ORDER BY key")
        }
        #expect(keys.map { Array($0.utf8) } == ["name:marsh|leo|2017-04-22", "name:zo\u{00EB}|ann|2015-01-01", "nhs:9434765919"].map { Array($0.utf8) })
    }

    @Test func synchronousIsFullOnTheWriter() throws {
        #expect(try store.synchronousSetting() == 2)
        let off = try CaseStore(path: dir + "/off.sqlite", durability: .unsafeOff)
        #expect(try off.synchronousSetting() == 0)
    }

    @Test func theSameReferenceTwiceIsOneCaseEvenInOneGroup() async throws {
        let out = try await commit([Self.referral("R-1"), Self.referral("R-1"), Self.referral("R-2")])
        guard case .accepted(let id1, "R-1", _, false, _) = out[0], case .accepted(let id2, "R-1", _, true, _) = out[1],
            case .accepted(let id3, "R-2", _, false, _) = out[2]
        else {
            Issue.record("unexpected outcomes \(out)")
            return
        }
        #expect(id1 == id2)
        #expect(id3 != id1)
        let again = try await commit([Self.referral("R-1")])
        guard case .accepted(let id4, _, _, true, _) = again[0] else {
            Issue.record("not a duplicate: \(again)")
            return
        }
        #expect(id4 == id1)
        #expect(try store.counts().cases == 2)
    }

    @Test func theSameReferenceInAnotherFormatIsAnotherCase() async throws {
        let child = #""forenames":"Leo","surname":"Marsh","dob":"2017-04-22""#
        _ = try await commit([Self.referral("SAME"), Self.police("SAME", at: "2026-11-26T09:00:00Z", child: child)])
        #expect(try store.counts().cases == 2)
    }

    @Test func caseIdsFollowTheSequenceAndReadBack() async throws {
        let out = try await commit((1...5).map { Self.referral("S-\($0)") })
        let ids = out.compactMap { o -> CaseID? in if case .accepted(let id, _, _, _, _) = o { return id } else { return nil } }
        #expect(ids == (1...5).map { CaseID(sequence: UInt64($0)) })
        let record = try #require(try store.caseRecord(ids[2]))
        #expect(record.sourceReference == "S-3")
        // The third referral about the same child: neglect (3) and the repeat rule.
        #expect(record.screening.level == 4)
        #expect(record.screening.rationale.map(\.rule) == ["concern-base-level", "repeat"])
        #expect(record.model == ScreeningModel.standard.identity)
    }

    /// Emotional abuse is level 2 (Green); the repeat rule adds 1 once the child was named in
    /// two earlier notifications within 365 days, whichever stream and identifier named them.
    @Test func theRepeatRuleCountsTheSameChildAcrossStreamsAndIdentifiers() async throws {
        let byName = #""firstName":"  LEO ","lastName":"marsh","dob":"2017-04-22""#
        let byNHS = #""firstName":"Leonard","lastName":"Smith","dob":"2017-04-22","nhsNumber":"943 476 5919""#
        let both = #""forenames":"Leo James","surname":"Marsh","dob":"2017-04-22","nhsNumber":"9434765919""#
        let out = try await commit([
            Self.referral("H-1", at: "2026-01-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: byName),
            Self.referral("H-2", at: "2026-02-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: byNHS),
            Self.police("H-3", at: "2026-03-10T09:00:00Z", child: both),
        ])
        #expect(out.map(rag) == ["green", "green", "amber"])
        let third = try #require(try store.caseRecord(CaseID(sequence: 3)))
        #expect(third.screening.rationale.map(\.rule).contains("repeat"))
    }

    @Test func theRepeatWindowIs365DaysUpToAndIncludingTheNotificationsOwnTime() async throws {
        let child = #""firstName":"Ava","lastName":"Khan","dob":"2016-01-01""#
        let out = try await commit([
            Self.referral("W-1", at: "2025-03-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
            Self.referral("W-2", at: "2025-06-01T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
            // 365 days after W-1 to the second: both earlier ones count.
            Self.referral("W-3", at: "2026-03-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
            // Earlier own time than W-3, accepted later: W-3 does not count (its time is after).
            Self.referral("W-4", at: "2025-03-09T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
            // One second past 365 days after W-1: only W-2 and W-3 are in the window (2).
            Self.referral("W-5", at: "2026-03-10T09:00:01Z", concerns: #"["emotional-abuse"]"#, child: child),
        ])
        #expect(out.map(rag) == ["green", "green", "amber", "green", "amber"])
    }

    @Test func anInvalidIdentifierNeverMatchesChildren() async throws {
        let bad = #""firstName":"A","lastName":"One","dob":"2015-01-01","nhsNumber":"9434765918""#
        let bad2 = #""firstName":"B","lastName":"Two","dob":"2015-02-02","nhsNumber":"9434765918""#
        let bad3 = #""firstName":"C","lastName":"Three","dob":"2015-03-03","nhsNumber":"9434765918""#
        let out = try await commit([
            Self.referral("I-1", concerns: #"["housing"]"#, child: bad),
            Self.referral("I-2", concerns: #"["housing"]"#, child: bad2),
            Self.referral("I-3", concerns: #"["housing"]"#, child: bad3),
        ])
        #expect(out.map(rag) == ["green", "green", "green"])
    }

    @Test func researchIsKeyedByCaseAndAgency() async throws {
        _ = try await commit([Self.referral("C-1")])
        let id = CaseID(sequence: 1).text
        let answer = #"{"format":"research/1","caseId":"\#(id)","agency":"health","respondedAt":"2026-11-27T09:00:00Z","findings":[{"summary":"s","shareable":false,"indicators":["no-trace"]}]}"#
        let out = try await commit([answer, answer, answer.replacingOccurrences(of: "health", with: "education")])
        #expect(out == [
            .accepted(id: CaseID(sequence: 1), ref: "\(id)/health", rag: nil, duplicate: false, warnings: []),
            .accepted(id: CaseID(sequence: 1), ref: "\(id)/health", rag: nil, duplicate: true, warnings: []),
            .accepted(id: CaseID(sequence: 1), ref: "\(id)/education", rag: nil, duplicate: false, warnings: []),
        ])
        let unknown = answer.replacingOccurrences(of: id, with: CaseID(sequence: 99).text)
        let refused = try await commit([unknown])
        guard case .rejected(let e) = refused[0] else {
            Issue.record("research for an unknown case was accepted")
            return
        }
        #expect(e.code == .unknownCase)
        #expect(try store.counts().research == 2)
    }

    @Test func aReopenedStoreKeepsItsSequenceAndSchema() async throws {
        _ = try await commit([Self.referral("P-1"), Self.referral("P-2")])
        let reopened = try CaseStore(path: dir + "/mashd.sqlite")
        let lines = [try line(Self.referral("P-3"))]
        let out = await reopened.commit(lines, acceptedAt: Self.now, model: .standard)
        guard case .accepted(let id, _, _, false, _) = out[0] else {
            Issue.record("\(out)")
            return
        }
        #expect(id == CaseID(sequence: 3))
        let migrations = try await DatabaseQueue(path: dir + "/mashd.sqlite").read { db in
            try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations")
        }
        #expect(migrations == ["v1-intake", "v2-process", "v3-child-keys", "v4-nfc-name-keys", "v5-staged-products"])
    }

    /// The in-memory index that lets intake skip reads is rebuilt from the disk: after a
    /// reopen, an old reference is still a duplicate and an old child still a repeat.
    @Test func aReopenedStoreStillFindsDuplicatesAndRepeats() async throws {
        let child = #""firstName":"Ava","lastName":"Khan","dob":"2016-01-01""#
        let first = try await commit([
            Self.referral("R-1", at: "2026-01-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
            Self.referral("R-2", at: "2026-02-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child),
        ])
        #expect(first.map(rag) == ["green", "green"])
        let reopened = try CaseStore(path: dir + "/mashd.sqlite")
        let again = await reopened.commit(
            [
                try line(Self.referral("R-1", at: "2026-01-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child)),
                try line(Self.referral("R-3", at: "2026-03-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child)),
            ], acceptedAt: Self.now, model: .standard)
        guard case .accepted(let id, _, _, true, _) = again[0] else {
            Issue.record("R-1 again: \(again[0])")
            return
        }
        #expect(id == CaseID(sequence: 1))
        #expect(rag(again[1]) == "amber")
        #expect(try reopened.counts().cases == 3)
    }

    /// Migration v3 rebuilds the child keys table: a store made before it keeps its history.
    @Test func childKeysSurviveTheMigrationToOneBTree() async throws {
        let path = dir + "/v2.sqlite"
        let child = #""firstName":"Ava","lastName":"Khan","dob":"2016-01-01""#
        do {
            let old = try DatabaseQueue(path: path)
            try StoreSchema.migrator.migrate(old, upTo: "v2-process")
            let store = try CaseStore(path: dir + "/tmp.sqlite")
            _ = await store.commit(
                [
                    try line(Self.referral("M-1", at: "2026-01-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child)),
                    try line(Self.referral("M-2", at: "2026-02-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child)),
                ], acceptedAt: Self.now, model: .standard)
            // Copy the rows into the v2 store, as a v2 mashd would have written them.
            let source = dir + "/tmp.sqlite"
            try await old.writeWithoutTransaction { db in
                try db.execute(sql: "ATTACH DATABASE ? AS src", arguments: [source])
                let columns = try String.fetchAll(db, sql: "SELECT name FROM pragma_table_info('cases')").joined(separator: ", ")
                try db.execute(sql: "INSERT INTO cases (\(columns)) SELECT \(columns) FROM src.cases")
                try db.execute(sql: "INSERT INTO child_keys (key, notified_at, case_seq, child) SELECT key, notified_at, case_seq, child FROM src.child_keys")
            }
            try old.close()
        }
        let keysBefore = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM child_keys") }
        #expect((keysBefore ?? 0) >= 2)
        let migrated = try CaseStore(path: path)
        let keysAfter = try await DatabaseQueue(path: path).read { try Int.fetchOne($0, sql: "SELECT count(*) FROM child_keys") }
        #expect(keysAfter == keysBefore)
        let out = await migrated.commit(
            [try line(Self.referral("M-3", at: "2026-03-10T09:00:00Z", concerns: #"["emotional-abuse"]"#, child: child))],
            acceptedAt: Self.now, model: .standard)
        #expect(out.map(rag) == ["amber"])
    }

    /// Background work waits while intake writes, and for a moment after.
    @Test func intakeIsActiveWhileAndJustAfterItCommits() async throws {
        #expect(!store.intakeActive(within: .milliseconds(20)))
        _ = try await commit([Self.referral("A-1")])
        #expect(store.intakeActive(within: .seconds(60)))
        try await Task.sleep(for: .milliseconds(60))
        #expect(!store.intakeActive(within: .milliseconds(20)))
    }

    /// Cases in the database file itself, without its log: what checkpoints have copied.
    func casesCheckpointed() throws -> Int {
        let copy = dir + "/copy-\(UUID().uuidString).sqlite"
        try FileManager.default.copyItem(atPath: dir + "/mashd.sqlite", toPath: copy)
        return try DatabaseQueue(path: copy).read { db in
            // Before the first checkpoint even the schema is only in the log.
            try db.tableExists("cases") ? try Int.fetchOne(db, sql: "SELECT count(*) FROM cases") ?? -1 : 0
        }
    }

    @Test func theCheckpointConnectionSyncsFullyWhateverSQLitesDefault() throws {
        let off = try CaseStore(path: dir + "/off.sqlite", durability: .unsafeOff)
        for s in [store, off] {
            #expect(try s.checkpointConnection().read { try Int.fetchOne($0, sql: "PRAGMA synchronous") } == 2)
        }
    }

    @Test func theCheckpointerCopiesTheLogBesideTheWriterWhoseOwnCheckpointIsOnlyABackstop() async throws {
        let checkpointer = try StoreCheckpointer(store: store, interval: .milliseconds(20), logger: Logger(label: "test"))
        #expect(try await store.pool.writeWithoutTransaction { try Int.fetchOne($0, sql: "PRAGMA wal_autocheckpoint") } == CaseStore.backstopCheckpointPages)
        _ = try await commit((1...50).map { Self.referral("C-\($0)") })
        // Far below either threshold: the writer alone leaves every case in the log.
        #expect(try casesCheckpointed() == 0)
        // The copy is read with the checkpointer stopped: a file copied while a checkpoint
        // writes it may be torn.
        var copied = 0
        for _ in 0..<50 where copied < 50 {
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await checkpointer.run() }
                try await Task.sleep(for: .milliseconds(100))
                group.cancelAll()
            }
            copied = try casesCheckpointed()
        }
        #expect(copied == 50)
    }
}
