import ArgumentParser
import Foundation
import MASHAdapters
import MASHCore
import MASHDaemon
import MASHOutbox
import MASHStore
import MASHWire

/// `mashctl case ID`: one case as JSON, read from the store (mashd may be running).
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Print one case as JSON.",
        discussion: """
            Reads the case from the store in the state directory and prints it as JSON: its \
            reference, stream, authority and times; its stage and RAG history; the screening and \
            the decision, each with its rationale and the model (name, version, checksum) that \
            gave it; data-quality warnings; which agencies were asked for research, which \
            answered (on time, late or unrequested) and which did not; every product delivered, \
            with the path it is at now; and the notification as mashd reads it. The id may be \
            typed in any case, with or without its hyphen.

            EXIT STATUS
              0  printed
              1  no such case
              2  the id is malformed or the store cannot be read
              64 bad usage (an unknown option or a missing argument)
            """)

    @Argument(help: "The case id, as in an intake reply (for example 100-01W).")
    var id: String

    @Option(name: .long, help: ArgumentHelp("The state directory (default: $STATE_DIRECTORY, else /var/lib/mashd).", valueName: "DIR"))
    var stateDir: String?

    func run() throws {
        guard let caseId = CaseID(id) else {
            printError("mashctl case: \"\(id)\" is not a case id (wrong characters or check character)")
            throw ExitCode(2)
        }
        let dir = stateDir ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? DaemonOptions.defaultStateDirectory
        let record: CaseRecord?
        do {
            record = try CaseStore(readingAt: dir + "/mashd.sqlite").caseRecord(caseId)
        } catch {
            printError("mashctl case: \(error)")
            throw ExitCode(2)
        }
        guard let record else {
            printError("mashctl case: no case \(caseId) in \(dir)")
            throw ExitCode(1)
        }
        let data = try CaseView.encoder.encode(CaseView(record, outbox: Outbox(root: dir + "/outbox")))
        print(String(decoding: data, as: UTF8.self))
    }
}

/// The JSON shape `mashctl case` prints: the whole case, as a manager reviewing it needs it.
struct CaseView: Encodable {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    struct Answer: Encodable {
        var agency: String
        var respondedAt: String
        var acceptedAt: String
        /// unrequested (from an agency not asked, whenever it came, as `report` counts it),
        /// late (after the decision), or on-time.
        var status: String
        var findings: [Finding]?
    }

    struct Research: Encodable {
        var asked: [String]
        var answered: [String]
        var unanswered: [String]
        var answers: [Answer]
    }

    struct ProductView: Encodable {
        var id: String
        var kind: String
        var recipient: String
        var deliveredAt: String
        /// Where the file is now: new/ until the agency collects it, then cur/.
        var path: String
    }

    var id: String
    var format: String
    var ref: String
    var stream: String
    var authority: String
    var notifiedAt: String
    var acceptedAt: String
    var stage: String
    var deadline: String?
    var history: [CaseRecord.EventRecord]
    var screening: Screening
    var model: ModelIdentity
    var decision: Decision?
    var warnings: [CaseRecord.IntakeWarningRecord]
    var research: Research
    var products: [ProductView]
    var notification: MASHNotification?

    /// A replay sandbox keeps each agency's products in one file, a product a line.
    static func sandboxFile(_ outbox: Outbox, _ recipient: String) -> String? {
        let path = "\(outbox.root)/\(recipient).ndjson"
        return FileManager.default.fileExists(atPath: path) ? "\(path) (a replay sandbox: one product a line)" : nil
    }

    init(_ r: CaseRecord, outbox: Outbox) {
        id = r.id.text
        format = r.format
        ref = r.sourceReference
        stream = r.stream
        authority = LocalAuthority.named(r.authority).map(\.description) ?? r.authority
        notifiedAt = r.notifiedAt.rfc3339UTC
        acceptedAt = r.acceptedAt.rfc3339UTC
        stage = r.stage.rawValue
        deadline = r.deadline?.rfc3339UTC
        history = r.events
        screening = r.screening
        model = r.model
        decision = r.decision
        warnings = r.warnings
        if case .success(let line) = LineDecoder(adapters: Adapters.all, boundFormat: r.format).decode(Array(r.line.utf8)),
            case .notification(let n) = line.decoded.intake
        {
            notification = n
        }
        let asked = Set(r.asked)
        let answers = r.research.map { a -> Answer in
            let decoded = LineDecoder(adapters: Adapters.all, boundFormat: "research/1").decode(Array(a.line.utf8))
            var findings: [Finding]? = nil
            if case .success(let l) = decoded, case .research(let answer) = l.decoded.intake { findings = answer.findings }
            let status = !asked.contains(a.agency) ? "unrequested" : a.late ? "late" : "on-time"
            return Answer(
                agency: a.agency, respondedAt: a.respondedAt.rfc3339UTC, acceptedAt: a.acceptedAt.rfc3339UTC, status: status,
                findings: findings)
        }
        let answered = Set(r.research.filter { !$0.late }.map(\.agency))
        research = Research(
            asked: r.asked, answered: answered.sorted(), unanswered: r.asked.filter { !answered.contains($0) }, answers: answers)
        products = r.products.map { p in
            ProductView(
                id: p.id, kind: p.kind, recipient: p.recipient, deliveredAt: p.deliveredAt.rfc3339UTC,
                path: outbox.location(of: p.id, for: Agency(p.recipient)) ?? Self.sandboxFile(outbox, p.recipient)
                    ?? "(no longer in the outbox)")
        }
    }
}
