import ArgumentParser
import Foundation
import MASHCore
import MASHDaemon
import MASHReplay
import MASHWire

/// The model a tool runs with: `standard`, or a model file, with a config's timescales.
struct ModelChoice {
    static func load(_ file: String?, config: String?) throws -> (model: RiskModel, identity: ModelIdentity, standard: Bool) {
        let timescales = try config.map { try ConfigFile.load(path: $0).timescales } ?? [:]
        let value = try ModelLoader.load(file: file == "standard" ? nil : file, timescales: timescales, agencies: Set(Agency.standard))
        return (value.model, value.identity, value.isStandard)
    }
}

/// `mashctl generate`: synthetic notifications for rehearsals, training, tests and benchmarks.
struct GenerateCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "generate",
        abstract: "Write realistic synthetic notifications (both formats) and research answers.",
        discussion: """
            Writes NDJSON in time order: police and local-authority notifications in roughly equal \
            numbers, with plausible mixes of concerns, children of every age including babies and \
            the unborn, the same children again across streams, research answers from the agencies \
            each case asks (most on time, some late, a few never), and a few data-quality faults \
            (an NHS number failing its check, a postcode of the wrong shape, an unknown concern \
            word) that mashd accepts with warnings. Nobody in it is real. The same --seed always \
            gives the same bytes. Research answers name case ids as a fresh mashd or a replay \
            sandbox gives them: the nth notification is case n.

            EXIT STATUS
              0   written
              1   the --out file cannot be created or written
              64  bad options (a --start that is not a date, a negative --count, ...)
            """)

    // Numeric options read the next word even when it starts with "-": `--count -1` is a bad
    // count, not a missing one.
    @Option(parsing: .unconditional, help: "Notifications to write.")
    var count = 1000

    @Option(parsing: .unconditional, help: "The random seed.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("The first day (YYYY-MM-DD).", valueName: "DATE"))
    var start = "2026-01-01"

    @Option(parsing: .unconditional, help: "Days the notifications spread over.")
    var days = 365

    @Option(parsing: .unconditional, help: "Share of notifications with a data-quality fault, 0 to 1.")
    var faults = 0.02

    @Flag(help: "Write notifications only, no research answers.")
    var noResearch = false

    @Option(help: ArgumentHelp("Write here instead of standard output.", valueName: "FILE"))
    var out: String?

    func validate() throws {
        guard FullDate(rfc3339: start) != nil else { throw ValidationError("--start must be a date such as 2026-01-01") }
        guard count >= 0, days >= 1, (0...1).contains(faults) else { throw ValidationError("--count ≥ 0, --days ≥ 1, --faults in 0...1") }
    }

    func run() throws {
        let first = FullDate(rfc3339: start)!
        let generator = NotificationGenerator(
            .init(count: count, seed: seed, start: first, days: days, research: !noResearch, faults: faults, model: StandardModel.model))
        let handle: FileHandle
        if let out {
            guard FileManager.default.createFile(atPath: out, contents: nil) else {
                printError("mashctl generate: cannot create \(out)")
                throw ExitCode(1)
            }
            handle = try FileHandle(forWritingTo: URL(fileURLWithPath: out))
        } else {
            handle = FileHandle.standardOutput
        }
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1 << 20)
        generator.generate { line in
            buffer.append(contentsOf: line.utf8)
            buffer.append(0x0A)
            if buffer.count > 1 << 20 {
                handle.write(Data(buffer))
                buffer.removeAll(keepingCapacity: true)
            }
        }
        handle.write(Data(buffer))
        if out != nil { try handle.close() }
    }
}

/// `mashctl explain`: what the model says of each line, without storing anything.
struct ExplainCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "explain",
        abstract: "Screen notifications without storing them, and say why.",
        discussion: """
            For each line of FILE (or standard input): the rules that fired with their reasons, \
            the level and RAG, who would be asked for research and by when, and the outcome and \
            recipients if research finds nothing that raises the level. A refused line shows its \
            error code and message. Children named earlier in the same input count for the \
            repeat rule. For training, and for checking an upstream feed before it goes live.

            EXIT STATUS
              0  every line was screened
              1  some lines were refused (each shows why)
              2  the file, the model or the config cannot be read
            """)

    @Argument(help: ArgumentHelp("An NDJSON file, or - for standard input.", valueName: "FILE"))
    var file = "-"

    @Option(help: ArgumentHelp("A model file (default: the London standard).", valueName: "FILE"))
    var model: String?

    @Option(help: ArgumentHelp("A mashd config file whose [timescales] apply.", valueName: "FILE"))
    var config: String?

    @Flag(help: "Print one JSON object per line.")
    var json = false

    func run() throws {
        let m: (model: RiskModel, identity: ModelIdentity, standard: Bool)
        do {
            m = try ModelChoice.load(model, config: config)
        } catch {
            printError("mashctl explain: \(error)")
            throw ExitCode(2)
        }
        let data: Data
        do {
            data = try InputFile.read(file)
        } catch {
            printError("mashctl explain: \(error)")
            throw ExitCode(2)
        }
        var explainer = Explainer(model: m.model)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        var n = 0
        var refused = 0
        for raw in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
            n += 1
            if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
            var bytes = Array(raw)
            if bytes.last == 0x0D { bytes.removeLast() }
            let e = explainer.explain(bytes, line: n)
            if e.error != nil { refused += 1 }
            if json {
                print(String(decoding: try encoder.encode(e), as: UTF8.self))
                continue
            }
            print(["line \(n):", e.format ?? "?", e.reference].compactMap { $0 }.joined(separator: " "))
            if let error = e.error {
                print("  refused: \(error)")
                continue
            }
            for w in e.warnings { print("  warning: \(w)") }
            if let note = e.note, e.route == nil {
                print("  \(note)")
                continue
            }
            for r in e.rules { print("  \(r.rule): \(r.effect) (\(r.reason))") }
            print("  level \(e.level.map(String.init) ?? "-"), \(e.rag ?? "none")\(e.researchFrom.isEmpty ? "" : "; research from \(e.researchFrom.joined(separator: ", ")) within \(e.deadlineAfter ?? "?")")")
            print("  outcome \(e.outcome ?? "?") to \(e.recipients.isEmpty ? "nobody" : e.recipients.joined(separator: ", "))\(e.note.map { "; \($0)" } ?? "")")
        }
        if refused > 0 { throw ExitCode(1) }
    }
}

/// `mashctl replay`: the dry run before go-live, and the comparison of two models on one history.
struct ReplayCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "replay",
        abstract: "Rehearse the MASH process on historic or synthetic notifications, in simulated time.",
        discussion: """
            Runs the whole process over FILE...: screening, research requests, research answers, \
            deadlines and decisions, on a simulated clock. Each notification's own time \
            (createdAt, receivedAt) is its intake time; research/1 lines arrive at their \
            respondedAt; deadlines fire on the simulated clock. Nothing touches a live store or a \
            live outbox: results go to the sandbox only, DIR/mashd.sqlite (read it with `mashctl \
            report --state-dir DIR` or `mashctl case ID --state-dir DIR`) and the products, one \
            per line, in DIR/outbox/AGENCY.ndjson.

            With --compare MODEL_A MODEL_B (model files, or `standard`), runs the history under \
            both models and prints every case whose level, RAG, outcome or recipients differ, and \
            the counts per outcome: what a local variation would change.

            EXIT STATUS
              0   done
              1   lines were refused (counted in the summary)
              2   an unreadable file, a model or config that cannot be loaded, or a
                  sandbox that is not new (it must be absent or an empty directory)
              64  bad usage (no --sandbox, --sandbox with --compare, too few files)
            """)

    @Argument(help: ArgumentHelp("NDJSON files of notifications and research answers (with --compare: MODEL_A MODEL_B FILE...).", valueName: "FILE"))
    var files: [String]

    @Option(help: ArgumentHelp("A new directory for the results.", valueName: "DIR"))
    var sandbox: String?

    @Option(help: ArgumentHelp("A model file (default: the London standard).", valueName: "FILE"))
    var model: String?

    @Option(help: ArgumentHelp("A mashd config file whose [timescales] apply.", valueName: "FILE"))
    var config: String?

    @Flag(help: "Compare two models: the first two arguments are model files (or `standard`), the rest history files.")
    var compare = false

    @Flag(help: "With --compare, list every differing case (default: the first 40).")
    var all = false

    func validate() throws {
        if !compare && sandbox == nil { throw ValidationError("give --sandbox DIR, or --compare MODEL_A MODEL_B") }
        if compare && files.count < 3 { throw ValidationError("--compare takes MODEL_A MODEL_B and at least one FILE") }
        if !compare && files.isEmpty { throw ValidationError("give at least one FILE") }
        if compare && sandbox != nil { throw ValidationError("--compare keeps its results in memory: leave out --sandbox") }
    }

    /// The two models of `--compare`, and the history files.
    var models: [String] { compare ? Array(files.prefix(2)) : [] }
    var histories: [String] { compare ? Array(files.dropFirst(2)) : files }

    func run() throws {
        var data: [UInt8] = []
        for f in histories {
            do {
                data += try InputFile.read(f)
            } catch {
                printError("mashctl replay: \(error)")
                throw ExitCode(2)
            }
            if data.last != 0x0A { data.append(0x0A) }
        }
        if compare {
            try runCompare(data)
            return
        }
        let m = try Self.load(model, config: config)
        let started = Date()
        let bar = ProgressBar()
        let engine: ReplayEngine
        do {
            engine = try ReplayEngine(.init(model: m.model, identity: m.identity, sandbox: sandbox, progress: bar.update))
        } catch {
            printError("mashctl replay: \(error)")
            throw ExitCode(2)
        }
        try engine.run(data)
        let s = try engine.finish()
        bar.done()
        let seconds = Date().timeIntervalSince(started)
        print("dry run of \(s.lines) lines in \(String(format: "%.1f", seconds)) s with \(m.identity.name) v\(m.identity.version) (\(m.identity.checksum.prefix(12)))\(m.standard ? "" : ", a LOCAL VARIATION")")
        if let first = s.first, let last = s.last { print("simulated time: \(first.rfc3339UTC) to \(last.rfc3339UTC)") }
        print("notifications: \(s.notifications) accepted, \(s.duplicates) duplicates, \(s.rejected.values.reduce(0, +)) refused\(s.rejected.isEmpty ? "" : " (" + s.rejected.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", ") + ")")")
        print("screened: " + ["red", "amber", "green", "blue", "none"].map { "\($0) \(s.byRAG[$0] ?? 0)" }.joined(separator: ", "))
        print("research answers: \(s.answers) (\(s.lateAnswers) late, \(s.unrequestedAnswers) unrequested)")
        print("outcomes: " + s.byOutcome.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print(
            "escalations: \(s.escalations) (\(s.decidedLate) decided late)"
                + (s.variationEscalations > 0 ? ", and 1 reporting the local variation to the MASH manager" : ""))
        print("products: " + s.products.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))
        print("sandbox: \(sandbox ?? "-")  (mashctl report --state-dir \(sandbox ?? "DIR") --from ... --to ...)")
        if !s.rejected.isEmpty { throw ExitCode(1) }
    }

    /// A model and config that cannot be loaded end the run with status 2, the reason printed.
    static func load(_ file: String?, config: String?) throws -> (model: RiskModel, identity: ModelIdentity, standard: Bool) {
        do {
            return try ModelChoice.load(file, config: config)
        } catch {
            printError("mashctl replay: \(error)")
            throw ExitCode(2)
        }
    }

    func runCompare(_ data: [UInt8]) throws {
        let a = try Self.load(models[0], config: config)
        let b = try Self.load(models[1], config: config)
        let bar = ProgressBar()
        var results: [[String: ReplayEngine.Result]] = []
        for (i, m) in [a, b].enumerated() {
            let engine = try ReplayEngine(.init(model: m.model, identity: m.identity, sandbox: nil, progress: { bar.update($0 + i * $1, 2 * $1) }))
            try engine.run(data)
            _ = try engine.finish()
            results.append(engine.results)
        }
        bar.done()
        let (ra, rb) = (results[0], results[1])
        var differ: [(ReplayEngine.Result, ReplayEngine.Result)] = []
        var matrix: [String: [String: Int]] = [:]
        for key in ra.keys.sorted() {
            guard let x = ra[key], let y = rb[key] else { continue }
            matrix[x.outcome, default: [:]][y.outcome, default: 0] += 1
            if x.level != y.level || x.rag != y.rag || x.outcome != y.outcome || x.recipients != y.recipients { differ.append((x, y)) }
        }
        func name(_ m: (model: RiskModel, identity: ModelIdentity, standard: Bool), _ arg: String) -> String {
            "\(arg) (\(m.identity.name) v\(m.identity.version), \(m.identity.checksum.prefix(12))\(m.standard ? ", the standard" : ""))"
        }
        print("A: \(name(a, models[0]))")
        print("B: \(name(b, models[1]))")
        print("\(ra.count) cases; \(differ.count) differ in level, RAG, outcome or recipients")
        if !differ.isEmpty {
            print("")
            print("case     reference         A: level rag outcome (recipients)          B: level rag outcome (recipients)")
            for (x, y) in (all ? differ : Array(differ.prefix(40))) {
                func show(_ r: ReplayEngine.Result) -> String {
                    "\(r.level.map(String.init) ?? "-") \(r.rag) \(r.outcome) (\(r.recipients.joined(separator: ",")))"
                }
                print("\(x.caseId.text)  \(x.reference.padding(toLength: 16, withPad: " ", startingAt: 0))  \(show(x).padding(toLength: 40, withPad: " ", startingAt: 0)) \(show(y))")
            }
            if !all && differ.count > 40 { print("... and \(differ.count - 40) more (--all lists them)") }
        }
        print("")
        print("outcomes, A (rows) by B (columns):")
        let outcomes = Set(matrix.keys).union(matrix.values.flatMap(\.keys)).sorted()
        // Columns are numbered as the rows are, so that no outcome name is cut.
        func right(_ s: String, _ width: Int) -> String { String(repeating: " ", count: max(0, width - s.count)) + s }
        let labelWidth = 5 + (outcomes.map(\.count).max() ?? 0)
        let cellWidth = max(8, 2 + String(matrix.values.flatMap(\.values).max() ?? 0).count)
        print(String(repeating: " ", count: labelWidth) + outcomes.indices.map { right("(\($0 + 1))", cellWidth) }.joined())
        for (i, o) in outcomes.enumerated() {
            let label = "(\(i + 1)) \(o)"
            let row = outcomes.map { right(String(matrix[o]?[$0] ?? 0), cellWidth) }.joined()
            print(label + String(repeating: " ", count: labelWidth - label.count) + row)
        }
        print("")
        print("per outcome: " + outcomes.map { o in
            let inA = matrix[o]?.values.reduce(0, +) ?? 0
            let inB = matrix.values.reduce(0) { $0 + ($1[o] ?? 0) }
            return "\(o) \(inA) -> \(inB)"
        }.joined(separator: ", "))
    }
}

/// A progress bar on standard error, when it is a terminal.
final class ProgressBar: @unchecked Sendable {
    let enabled = isatty(2) == 1
    var last = Date.distantPast

    func update(_ done: Int, _ total: Int) {
        guard enabled, total > 0, Date().timeIntervalSince(last) > 0.1 || done == total else { return }
        last = Date()
        let width = 40
        let filled = width * done / total
        let bar = String(repeating: "#", count: filled) + String(repeating: " ", count: width - filled)
        FileHandle.standardError.write(Data("\r[\(bar)] \(100 * done / total)% \(done)/\(total)".utf8))
    }

    func done() {
        if enabled { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }
    }
}
