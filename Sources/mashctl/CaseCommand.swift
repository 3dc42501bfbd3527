import ArgumentParser
import Foundation
import MASHAdapters
import MASHCore
import MASHDaemon
import MASHStore
import MASHWire

/// `mashctl case ID`: one case as JSON, read from the store (mashd may be running).
struct CaseCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "case",
        abstract: "Print one case as JSON.",
        discussion: """
            Reads the case from the store in the state directory and prints it as JSON: its \
            reference, stream, authority, times, screening (route, level, RAG and the rationale \
            with the model that gave it), data-quality warnings, research answers, and the \
            notification as mashd reads it. The id may be typed in any case, with or without \
            its hyphen.

            EXIT STATUS
              0  printed
              1  no such case
              2  the id is malformed or the store cannot be read
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
        let data = try CaseView.encoder.encode(CaseView(record))
        print(String(decoding: data, as: UTF8.self))
    }
}

/// The JSON shape `mashctl case` prints.
struct CaseView: Encodable {
    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    struct Research: Encodable {
        var agency: String
        var respondedAt: String
        var acceptedAt: String
        var answer: ResearchAnswer?
    }

    var id: String
    var format: String
    var ref: String
    var stream: String
    var authority: String
    var notifiedAt: String
    var acceptedAt: String
    var screening: Screening
    var model: ModelIdentity
    var warnings: [CaseRecord.IntakeWarningRecord]
    var notification: MASHNotification?
    var research: [Research]

    init(_ r: CaseRecord) {
        id = r.id.text
        format = r.format
        ref = r.sourceReference
        stream = r.stream
        authority = LocalAuthority.named(r.authority).map(\.description) ?? r.authority
        notifiedAt = r.notifiedAt.rfc3339UTC
        acceptedAt = r.acceptedAt.rfc3339UTC
        screening = r.screening
        model = r.model
        warnings = r.warnings
        if case .success(let line) = LineDecoder(adapters: Adapters.all, boundFormat: r.format).decode(Array(r.line.utf8)),
            case .notification(let n) = line.decoded.intake
        {
            notification = n
        }
        research = r.research.map { a in
            let decoded = LineDecoder(adapters: Adapters.all, boundFormat: "research/1").decode(Array(a.line.utf8))
            return Research(
                agency: a.agency, respondedAt: a.respondedAt.rfc3339UTC, acceptedAt: a.acceptedAt.rfc3339UTC,
                answer: (try? decoded.get()).flatMap { line in
                    if case .research(let answer) = line.decoded.intake { return answer } else { return nil }
                })
        }
    }
}
