import ArgumentParser
import Foundation
import MASHCore
import MASHDaemon
import MASHStore

/// `mashctl status`: the service at a glance, from the running daemon's read-only status
/// socket, or from the store when the daemon is down.
struct StatusCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Show mashd's state: model, queue per RAG, oldest waiting case, today's cases, open escalations.",
        discussion: """
            Asks the running mashd through its status socket (read-only, open to any local user). \
            When mashd is not running, reads the same figures from the store in the state \
            directory and says so.

            EXIT STATUS
              0  shown (mashd running)
              3  shown from the store (mashd not running)
              4  shown from the store: a mashd holds the state directory but does not
                 answer on the status socket (another RUNTIME_DIRECTORY, or --socket)
              2  neither mashd nor its store could be reached
              64 bad usage (an unknown option or a missing argument)
            """)

    @Option(name: .long, help: ArgumentHelp("The status socket (default: status.sock in $RUNTIME_DIRECTORY, the state directory, or /run/mashd-control).", valueName: "PATH"))
    var socket: String?

    @Option(name: .long, help: ArgumentHelp("The state directory (default: $STATE_DIRECTORY, else /var/lib/mashd).", valueName: "DIR"))
    var stateDir: String?

    @Flag(help: "Print the status as JSON.")
    var json = false

    func run() throws {
        let path = ControlClient.locate("status.sock", socket: socket, stateDir: stateDir)
        var running = true
        var holder: String?
        var status: [String: Any]
        if let reply = try? ControlClient.ask("status", at: path), let s = reply["status"] as? [String: Any] {
            status = s
        } else {
            running = false
            let dir = stateDir ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
                ?? DaemonOptions.defaultStateDirectory
            holder = StateDirectory.holder(of: dir)
            if let holder {
                printError(
                    "mashctl status: mashd (pid \(holder)) holds \(dir) but does not answer on \(path); "
                        + "give --socket, or the RUNTIME_DIRECTORY it runs with")
            }
            do {
                status = try Self.fromStore(dir)
            } catch {
                printError("mashctl status: mashd is not answering on \(path), and its store cannot be read: \(error)")
                throw ExitCode(2)
            }
        }
        status["running"] = running
        if let holder { status["unreachablePid"] = holder }
        if json {
            let data = try JSONSerialization.data(withJSONObject: status, options: [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes])
            print(String(decoding: data, as: UTF8.self))
        } else {
            print(Self.text(status))
        }
        if !running { throw ExitCode(holder == nil ? 3 : 4) }
    }

    /// The figures the daemon would give, read from the store.
    static func fromStore(_ dir: String) throws -> [String: Any] {
        let store = try CaseStore(readingAt: dir + "/mashd.sqlite")
        let now = Timestamp(epochSeconds: Date().timeIntervalSince1970)
        let dayStart = Timestamp(epochMicroseconds: (now.epochMicroseconds / 86_400_000_000) * 86_400_000_000)
        let s = try store.statusNow(since: dayStart)
        let encoder = JSONEncoder()
        var out = (try JSONSerialization.jsonObject(with: try encoder.encode(s)) as? [String: Any]) ?? [:]
        if let d = s.deployment {
            out["model"] = ["name": d.model.name, "version": d.model.version, "checksum": d.model.checksum]
            out["standard"] = d.standard
            out["differences"] = d.differences
            out["modelSource"] = d.source
        }
        if let o = s.oldestWaiting { out["oldestWaitingSeconds"] = (now.epochMicroseconds - o.acceptedAt.epochMicroseconds) / 1_000_000 }
        let escalations = ((try? FileManager.default.contentsOfDirectory(atPath: dir + "/outbox/mash-manager/new")) ?? [])
            .filter { $0.contains(".escalation.") }.count
        out["openEscalations"] = escalations
        return out
    }

    static func text(_ s: [String: Any]) -> String {
        var lines: [String] = []
        if s["running"] as? Bool == true {
            lines.append("mashd: running")
        } else if let pid = s["unreachablePid"] as? String {
            lines.append("mashd: RUNNING (pid \(pid)) but NOT ANSWERING on its status socket (figures read from the store)")
        } else {
            lines.append("mashd: NOT RUNNING (figures read from the store)")
        }
        if let m = s["model"] as? [String: Any] {
            let checksum = (m["checksum"] as? String) ?? ""
            let standard = s["standard"] as? Bool ?? false
            lines.append("model: \(m["name"] ?? "?") version \(m["version"] ?? "?"), checksum \(checksum)")
            if standard {
                lines.append("       the London standard, unchanged")
            } else {
                let diffs = s["differences"] as? [String] ?? []
                lines.append("       a LOCAL VARIATION of the London standard (\(diffs.count) difference(s)), from \(s["modelSource"] ?? "?"):")
                for d in diffs { lines.append("         \(d)") }
            }
        }
        let waiting = s["waiting"] as? [String: Any] ?? [:]
        let order = ["red", "amber", "green", "blue", "none"]
        lines.append("waiting for research and decision: " + order.map { "\($0 == "none" ? "open case" : $0) \(waiting[$0] ?? 0)" }.joined(separator: ", "))
        if let o = s["oldestWaiting"] as? [String: Any] {
            let age = (s["oldestWaitingSeconds"] as? Int).map { " (\(Self.age(Int64($0))) ago)" } ?? ""
            // A case not yet started has its deadline set when its research is requested,
            // a moment after acceptance; a case that asks nobody has none.
            let asks = ["red", "amber", "green"].contains(o["rag"] as? String ?? "")
            let deadline = o["deadline"] ?? (asks && o["stage"] as? String == "new" ? "set when its research is requested" : "none")
            lines.append("oldest waiting: \(o["caseId"] ?? "?") (\(o["rag"] ?? "?")), accepted \(o["acceptedAt"] ?? "?")\(age), deadline \(deadline)")
        } else {
            lines.append("oldest waiting: none")
        }
        let today = s["acceptedToday"] as? [String: Any] ?? [:]
        lines.append("cases today (UTC): police \(today["police"] ?? 0), local authority \(today["local-authority"] ?? 0)")
        lines.append("open escalations (mash-manager outbox, not yet collected): \(s["openEscalations"] ?? 0)")
        if let r = s["reloadRefused"] as? String { lines.append("LAST RELOAD REFUSED: \(r)") }
        return lines.joined(separator: "\n")
    }

    static func age(_ seconds: Int64) -> String {
        if seconds < 120 { return "\(seconds) s" }
        if seconds < 7200 { return "\(seconds / 60) min" }
        if seconds < 172_800 { return "\(seconds / 3600) h \(seconds % 3600 / 60) min" }
        return "\(seconds / 86400) d \(seconds % 86400 / 3600) h"
    }
}
