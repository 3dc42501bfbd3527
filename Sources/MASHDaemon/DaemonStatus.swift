import Foundation
import MASHCore
import MASHStore

/// The service's state as an operator reads it: the one-line `STATUS=` and the JSON that
/// `mashctl status` prints.
struct DaemonStatus: Encodable {
    var model: ModelIdentity
    var standard: Bool
    var differences: [String]
    var modelSource: String
    /// Cases waiting for research and decision, by RAG.
    var waiting: [String: Int]
    /// The same by stage: `new` (screened, nothing sent) and `researching`.
    var waitingByStage: [String: [String: Int]]
    var oldestWaiting: StoreStatus.Oldest?
    var oldestWaitingSeconds: Int64?
    var acceptedToday: [String: Int]
    /// Escalations in mash-manager's outbox not yet collected.
    var openEscalations: Int
    var reloadRefused: String?
    var reloads: Int
    var now: Timestamp

    /// One line for `systemctl status`.
    var line: String {
        let order = ["red", "amber", "green", "blue", "none"]
        let queue = order.map { "\($0) \(waiting[$0] ?? 0)" }.joined(separator: ", ")
        var s = "waiting: \(queue)"
        if let o = oldestWaiting, let age = oldestWaitingSeconds { s += "; oldest \(o.caseId) (\(o.rag)) \(Self.age(age))" }
        s += "; model \(model.name) v\(model.version) \(standard ? "standard" : "LOCAL VARIATION \(model.checksum.prefix(12))")"
        if let r = reloadRefused { s += "; last reload refused: \(r)" }
        return s
    }

    static func age(_ seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds)s" }
        if seconds < 7200 { return "\(seconds / 60)m" }
        if seconds < 172_800 { return "\(seconds / 3600)h\(seconds % 3600 / 60)m" }
        return "\(seconds / 86400)d\(seconds % 86400 / 3600)h"
    }

    static func make(
        store: CaseStore, model: ActiveModel.Value, outbox: String, escalationAgency: Agency, reloadRefused: String?, reloads: Int,
        now: Timestamp
    ) async -> DaemonStatus {
        let dayStart = Timestamp(epochMicroseconds: (now.epochMicroseconds / 86_400_000_000) * 86_400_000_000)
        let s = try? await store.status(since: dayStart)
        let escalations = ((try? FileManager.default.contentsOfDirectory(atPath: "\(outbox)/\(escalationAgency)/new")) ?? [])
            .filter { $0.contains(".escalation.") }.count
        return DaemonStatus(
            model: model.identity, standard: model.isStandard, differences: model.differences, modelSource: model.source,
            waiting: s?.waiting ?? [:], waitingByStage: s?.waitingByStage ?? [:], oldestWaiting: s?.oldestWaiting,
            oldestWaitingSeconds: s?.oldestWaiting.map { (now.epochMicroseconds - $0.acceptedAt.epochMicroseconds) / 1_000_000 },
            acceptedToday: s?.acceptedToday ?? [:], openEscalations: escalations, reloadRefused: reloadRefused, reloads: reloads, now: now)
    }

    var json: String {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return (try? e.encode(self)).map { String(decoding: $0, as: UTF8.self) } ?? "{}"
    }
}
