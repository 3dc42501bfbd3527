import Foundation
import MASHClient
import MASHCore
import MASHStore
import Testing

/// A running mashd with short timescales, and the means to read what it put in its outboxes.
final class ProcessDaemon {
    let dir: String
    var daemon: DaemonProcess
    let arguments: [String]

    /// Every research timescale is `timescale` (a local variation, reported as such). The
    /// default is long enough that a case decides on its answers, not its deadline, however
    /// loaded the machine running the tests.
    init(_ tag: String, timescale: String = "120s", extraConfig: String = "", arguments: [String] = []) throws {
        dir = Harness.temporaryDirectory(tag)
        try "[timescales]\nred = \"\(timescale)\"\namber = \"\(timescale)\"\ngreen = \"\(timescale)\"\n\(extraConfig)"
            .write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        self.arguments = ["--config", dir + "/mashd.toml"] + arguments
        daemon = try Harness.start(dir, arguments: self.arguments)
    }

    deinit {
        daemon.stop()
        try? FileManager.default.removeItem(atPath: dir)
    }

    var socket: String { daemon.socketPath }
    var outbox: String { dir + "/state/outbox" }

    func restart() throws {
        daemon = try Harness.start(dir, arguments: arguments)
    }

    /// Sends one line and returns its reply.
    func send(_ line: String) throws -> Reply {
        let replies = try Harness.send([line], to: socket)
        guard let r = replies.first else { throw TestFailure("no reply") }
        return r
    }

    /// Sends a research answer from `agency` for `caseId`.
    @discardableResult
    func answer(_ caseId: String, _ agency: String, findings: String = "[]") throws -> Reply {
        try send(
            #"{"format":"research/1","caseId":"\#(caseId)","agency":"\#(agency)","respondedAt":"2026-11-27T09:00:00Z","findings":\#(findings)}"#)
    }

    func record(_ caseId: String) throws -> CaseRecord? {
        try CaseStore(readingAt: dir + "/state/mashd.sqlite").caseRecord(CaseID(caseId)!)
    }

    /// Waits until the case is decided and every product of its decision is delivered.
    func waitDecided(_ caseId: String, timeout: TimeInterval = 30) throws -> CaseRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let r = try? record(caseId), r.stage == .decided, r.products.contains(where: { $0.kind == "outcome-notice" }) {
                return r
            }
            usleep(20_000)
        }
        throw TestFailure("case \(caseId) not decided within \(timeout) s")
    }

    /// Waits until the case's research requests are out.
    func waitResearching(_ caseId: String, timeout: TimeInterval = 30) throws -> CaseRecord {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if let r = try? record(caseId), r.stage != .new { return r }
            usleep(20_000)
        }
        throw TestFailure("case \(caseId) not started within \(timeout) s")
    }

    /// Every product file of a case, in new/ or cur/ of any outbox.
    func products(_ caseId: String) throws -> [ProductFile] {
        var out: [ProductFile] = []
        for agency in try FileManager.default.contentsOfDirectory(atPath: outbox) {
            for sub in ["new", "cur"] {
                let d = "\(outbox)/\(agency)/\(sub)"
                for name in (try? FileManager.default.contentsOfDirectory(atPath: d)) ?? [] where name.hasPrefix(caseId + ".") {
                    out.append(try ProductFile(path: d + "/" + name, directory: agency))
                }
            }
        }
        return out.sorted { $0.name < $1.name }
    }

    /// Every product file in every outbox.
    func allProductFiles() throws -> [String] {
        var out: [String] = []
        for agency in try FileManager.default.contentsOfDirectory(atPath: outbox) {
            for sub in ["new", "cur"] {
                let d = "\(outbox)/\(agency)/\(sub)"
                out += ((try? FileManager.default.contentsOfDirectory(atPath: d)) ?? []).map { "\(agency)/\(sub)/\($0)" }
            }
        }
        return out
    }
}

/// One product as an agency would collect it.
struct ProductFile: CustomStringConvertible {
    let path: String
    let name: String
    let directory: String
    let text: String
    let json: [String: Any]

    init(path: String, directory: String) throws {
        self.path = path
        self.directory = directory
        name = URL(fileURLWithPath: path).lastPathComponent
        text = try String(contentsOfFile: path, encoding: .utf8)
        json = (try JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]) ?? [:]
    }

    var kind: String { json["kind"] as? String ?? "" }
    var recipient: String { json["recipient"] as? String ?? "" }
    var rag: String? { json["rag"] as? String }
    var level: Int? { json["level"] as? Int }
    var outcome: String? { json["outcome"] as? String }
    var keys: Set<String> { Set(json.keys) }
    var description: String { "\(directory)/\(name)" }

    /// `kind/recipient`, the shape the scenarios compare.
    var label: String { "\(kind)/\(recipient)" }
}

/// Lines for the scenarios, each about its own child so that scenarios do not repeat.
enum Lines {
    static func la(
        _ ref: String, concerns: [String], child: String, professional: Bool = true, referrerName: String = "Ms R Adeyemi",
        extra: String = ""
    ) -> String {
        let list = concerns.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"format":"la-referral/1","contactId":"\#(ref)","localAuthority":"Hackney","receivedAt":"2026-11-26T09:02:11Z","source":"2A","referrer":{"name":"\#(referrerName)","role":"DSL","organisation":"A School","phone":"020 7000 0000","professional":\#(professional)},"children":[{\#(child)}],"householdMembers":[{"name":"Kerry Parent","relationship":"mother","parentalResponsibility":true}],"concerns":[\#(list)],"description":"NARRATIVE-\#(ref) the referrer's account"\#(extra)}"#
    }

    static func child(_ first: String, _ last: String, dob: String = "2017-04-22", extra: String = "") -> String {
        #""firstName":"\#(first)","lastName":"\#(last)","dob":"\#(dob)","gender":"M","ethnicity":"WBRI","gp":"GP-Clapton Surgery","school":"Mandeville Primary School","address":{"line1":"3 Glyn Road","town":"London","postcode":"E5 0JD"}\#(extra)"#
    }

    static func merlin(
        _ ref: String, concerns: [String], risk: String = "low", referralType: String = "formal-referral",
        trigger: String = "other", child: String, at createdAt: String = "2026-11-26T21:14:00Z", extra: String = ""
    ) -> String {
        let list = concerns.map { "\"\($0)\"" }.joined(separator: ",")
        return #"{"format":"merlin/1","merlinRef":"\#(ref)","borough":"E09000012","createdAt":"\#(createdAt)","trigger":"\#(trigger)","referralType":"\#(referralType)","officerRisk":"\#(risk)","concerns":[\#(list)],"children":[{\#(child)}],"adults":[{"surname":"Adult","forenames":"Sam","relationship":"father","role":"suspect","pncId":"PNC-\#(ref)"}],"officer":{"name":"PC J Patel","warrantNumber":"224466","unit":"Hackney ERT"},"circumstances":"NARRATIVE-\#(ref) police account"\#(extra)}"#
    }

    static func policeChild(_ first: String, _ last: String, dob: String = "2015-06-01") -> String {
        #""surname":"\#(last)","forenames":"\#(first)","dob":"\#(dob)","gender":"F","address":{"line1":"14 Mare Street","town":"London","postcode":"E8 4RP"}"#
    }
}

struct TestFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
