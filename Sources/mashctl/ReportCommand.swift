import ArgumentParser
import Foundation
import MASHCore
import MASHDaemon
import MASHReport

/// `mashctl report`: the evaluation report a MASH manager reads (MASH.md, "What gets measured").
struct ReportCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Report volumes, timeliness, outcomes, repeats, research, escalations and re-rating for a date range.",
        discussion: """
            Reads the store (DIR/mashd.sqlite) of a live state directory, while mashd
            runs or not, or of a replay sandbox, read-only and in one snapshot, and
            writes the evaluation report for the cases ACCEPTED on the UTC days --from
            to --to, both included. Every figure is given for the whole range and for
            each period: a UTC day, an ISO week (Monday to Sunday), or a calendar
            quarter (starting January, April, July or October, the boundaries of the
            financial-year quarters), cut to the range. Each is given for all cases,
            per stream (police, local authority), per borough (GSS code and name) and
            per borough and stream. The report holds counts and aggregates only: no
            case id, name, date of birth, identifier or narrative.

            The default period is day for a range of up to 31 days, week for up to 6
            calendar months, quarter beyond.

            MEASURES
              Volumes      Notifications by screening RAG (red, amber, green, blue;
                           open case: forwarded to the allocated team, no RAG), and
                           those on the immediate-risk route.
              Timeliness   Per screening RAG, cases decided against a deadline
                           (acceptance plus the RAG's timescale): how many on time
                           (decided by the deadline or at most 1 s after it, the
                           leeway mashd gives a deadline's own timer; later is late
                           and escalated, and so is a case whose deadline passed
                           while mashd was down, however soon after it restarted),
                           the percentage, and the median (the middle value, or the
                           mean of the two middle ones) and the 95th percentile
                           (nearest rank) of hours from acceptance to decision.
                           Cases with no deadline
                           (Blue, open case) are counted as decided at screening.
                           Undecided cases are pending, and overdue when their
                           deadline is before --as-of.
              Outcomes     Decided cases per outcome and stream, and the share of
                           decided police notifications ending nfa-signpost.
              Repeats      Children named in 3 or more distinct cases within a
                           365-day window (by notification time, both ends
                           included) that ends in the range or period. A child is
                           followed across cases by any shared match key (NHS
                           number, UPN, or surname, first forename and date of
                           birth), transitively. Also the notifications about them
                           from 365 days before the period to its end. Each child
                           counts once, under the borough and stream of its latest
                           notification in that span.
              Research     Per agency: requests sent; answers on time (not marked
                           late, and accepted by the case's deadline) and late;
                           requests of decided cases never answered.
              Escalations  Escalation notices about cases, by reason (agencies
                           unanswered; decided late; a notice with both reasons
                           counts under both) and per agency named unanswered; and
                           deployment escalations (a local variation of the
                           standard model) delivered in the range.
              Re-rating    Decided cases with a screening level: final level
                           unchanged, raised by 1, 2 or 3, or lowered; and the
                           screening RAG to final RAG matrix.

            FORMATS
              text  Readable tables for the range, then one line per period.
              json  The whole report with sorted keys, stable: "range" and each of
                    "periods" hold "all", "byStream" and "byBorough"; percentages
                    have one decimal, hours two, null where nothing was decided.
              csv   RFC 4180 with CRLF line ends, for the London quarterly MASH
                    dataset return: one row per period, borough and stream. Every
                    borough with any figure in the range has both streams in every
                    period, zeros included. The columns:
                      period_start, period_end   the period's first and last day
                      borough_gss, borough_name
                      stream                     police or local-authority
                      notifications              cases accepted
                      red, amber, green, blue, open_case
                                                 by screening RAG
                      immediate_risk             on that route (also red)
                      decided                    all decided cases
                      decided_at_screening       decided with no deadline
                      decided_with_deadline      decided against a deadline
                      decided_on_time            of those, by the deadline
                      decided_on_time_pct        percent, one decimal
                      median_hours_to_decision   two decimals
                      p95_hours_to_decision      nearest rank
                      red_on_time_pct, amber_on_time_pct, green_on_time_pct
                      pending, overdue           undecided; of those, past due
                      outcome_strategy_discussion, outcome_csc_assessment,
                      outcome_early_help, outcome_nfa_signpost,
                      outcome_forward_to_allocated_team
                      police_nfa_share           police rows: percent of decided
                                                 ending nfa-signpost
                      repeat_children, repeat_notifications
                      research_requests, research_answers_on_time,
                      research_answers_late, research_unanswered,
                      research_answers_unrequested  answers no request asked
                                                 for: neither on time nor late
                      escalations, escalations_unanswered, escalations_late
                      rerated_up, rerated_unchanged
                    A percentage, median or share with nothing to measure is
                    empty.
              html  One self-contained file (inline style and SVG, no script, no
                    external reference) with charts of notifications per day by
                    stream, the RAG mix, hours to decision against each
                    timescale, outcomes by stream, and research answers per
                    agency on time and late; and the tables.

            Rows are streamed and summed in memory; the notification text is never
            read, so a store of a million cases is reported in seconds.

            EXIT STATUS
              0   the report was written
              1   the store could not be read, or FILE could not be written
              2   no store in DIR, a date not in the form YYYY-MM-DD, --from after
                  --to, or an unknown --period or --format
              64  the command line could not be parsed
            """)

    @Option(name: .long, help: ArgumentHelp("The state directory or replay sandbox (default: $STATE_DIRECTORY, else /var/lib/mashd).", valueName: "DIR"))
    var stateDir: String?

    @Option(name: .long, help: ArgumentHelp("The first UTC day of the range, YYYY-MM-DD.", valueName: "DATE"))
    var from: String

    @Option(name: .long, help: ArgumentHelp("The last UTC day of the range, YYYY-MM-DD (included).", valueName: "DATE"))
    var to: String

    @Option(name: .long, help: ArgumentHelp("day, week or quarter (default: by the range's length).", valueName: "PERIOD"))
    var period: String?

    @Option(name: .long, help: ArgumentHelp("text, csv, json or html.", valueName: "FORMAT"))
    var format: String = "text"

    @Option(name: .long, help: ArgumentHelp("Write the report to FILE (default: standard output).", valueName: "FILE"))
    var out: String?

    @Option(name: .long, help: ArgumentHelp("Judge pending cases overdue as of this RFC 3339 time (default: now; for a replay sandbox, give the end of its simulated time).", valueName: "TIME"))
    var asOf: String?

    func run() throws {
        func fail(_ message: String, _ code: Int32) -> ExitCode {
            printError("mashctl report: \(message)")
            return ExitCode(code)
        }
        guard let fromDate = FullDate(rfc3339: from) else { throw fail("--from \"\(from)\" is not a date (YYYY-MM-DD)", 2) }
        guard let toDate = FullDate(rfc3339: to) else { throw fail("--to \"\(to)\" is not a date (YYYY-MM-DD)", 2) }
        guard fromDate <= toDate else { throw fail("--from \(fromDate) is after --to \(toDate)", 2) }
        var reportPeriod: ReportPeriod? = nil
        if let period {
            guard let p = ReportPeriod(rawValue: period) else { throw fail("--period must be day, week or quarter, not \"\(period)\"", 2) }
            reportPeriod = p
        }
        guard ["text", "csv", "json", "html"].contains(format) else {
            throw fail("--format must be text, csv, json or html, not \"\(format)\"", 2)
        }
        var now = Timestamp(epochSeconds: Date().timeIntervalSince1970)
        if let asOf {
            guard let t = Timestamp(rfc3339: asOf) else { throw fail("--as-of \"\(asOf)\" is not an RFC 3339 time", 2) }
            now = t
        }
        let dir = stateDir ?? ProcessInfo.processInfo.environment["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init)
            ?? DaemonOptions.defaultStateDirectory

        let report: Report
        do {
            report = try ReportReader.report(
                stateDirectory: dir, try ReportRequest(from: fromDate, to: toDate, period: reportPeriod, asOf: now))
        } catch let e as ReportError {
            switch e {
            case .noStore, .badDate, .badRange: throw fail(e.description, 2)
            case .unreadable: throw fail(e.description, 1)
            }
        }
        // Written a piece at a time: to FILE through a temporary file renamed into place, so a
        // reader never sees half a report, or to standard output.
        let target = out.map { $0 + ".tmp-\(getpid())" }
        let handle: FileHandle
        if let target {
            let fd = open(target, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            guard fd >= 0 else { throw fail("cannot write \(out!): \(String(cString: strerror(errno)))", 1) }
            handle = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        } else {
            handle = FileHandle.standardOutput
        }
        do {
            func emit(_ s: String) throws { try handle.write(contentsOf: Data(s.utf8)) }
            switch format {
            case "csv": try emit(report.csv())
            case "html": try emit(report.html())
            case "json":
                var failure: (any Error)? = nil
                report.json { piece in
                    guard failure == nil else { return }
                    do { try emit(piece) } catch { failure = error }
                }
                if let failure { throw failure }
            default: try emit(report.text())
            }
            if let target, let out {
                try handle.close()
                if rename(target, out) != 0 { throw RenameFailure(description: String(cString: strerror(errno))) }
            }
        } catch {
            if let target { unlink(target) }
            throw fail("cannot write \(out ?? "standard output"): \(error.localizedDescription)", 1)
        }
    }
}

/// The system's reason a finished report could not be renamed into place.
private struct RenameFailure: LocalizedError {
    let description: String
    var errorDescription: String? { description }
}
