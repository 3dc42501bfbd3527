import ArgumentParser
import Foundation
import MASHClient
import MASHDaemon

/// `mashctl send`: pipes NDJSON into the intake socket and reports what mashd said of each
/// line, by file and line number, so an integrator can fix exactly the lines refused.
struct SendCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Send NDJSON notifications or research answers to mashd.",
        discussion: """
            Reads each FILE (or standard input when none is given, or for -) and sends every \
            non-blank line over one connection, then prints a summary: lines accepted, how many \
            of those were duplicates of lines accepted before, and every rejected line with its \
            file, line number, error code and message. On a terminal it shows progress.

            An accepted line is on disk in mashd's store. A line not answered (mashd stopped \
            mid-way) is not: send it again; the duplicate rule keeps a resend from making a \
            second case.

            EXIT STATUS
              0  every line was accepted (duplicates included)
              1  at least one line was rejected
              2  mashd could not be reached, or a file could not be read
              3  mashd closed the connection before answering every line
              64 bad usage (an unknown option or a missing argument)
            """)

    @Argument(help: ArgumentHelp("NDJSON files to send; - or none for standard input.", valueName: "FILE"))
    var files: [String] = []

    @Option(name: .long, help: ArgumentHelp("The intake socket (default: $MASHD_SOCKET, else /run/mashd/intake.sock, the packaged mashd.socket's, if it exists, else /var/lib/mashd/intake.sock).", valueName: "PATH"))
    var socket: String?

    @Flag(name: .long, help: "Print every reply line to standard output as it arrives.")
    var replies = false

    @Flag(name: .long, help: "Print only the summary line, not each rejected line.")
    var quiet = false

    func run() throws {
        let packaged = "/run/mashd/intake.sock"
        let socketPath = socket ?? ProcessInfo.processInfo.environment["MASHD_SOCKET"]
            ?? (FileManager.default.fileExists(atPath: packaged) ? packaged : DaemonOptions.defaultStateDirectory + "/intake.sock")
        var lines: [[UInt8]] = []
        var origins: [(file: String, line: Int)] = []
        for file in files.isEmpty ? ["-"] : files {
            let data: Data
            do {
                data = try InputFile.read(file)
            } catch {
                printError("mashctl send: \(error)")
                throw ExitCode(2)
            }
            let name = file == "-" ? "<stdin>" : file
            var lineNumber = 0
            for raw in data.split(separator: 0x0A, omittingEmptySubsequences: false) {
                lineNumber += 1
                if raw.allSatisfy({ $0 == 0x20 || $0 == 0x09 || $0 == 0x0D }) { continue }
                lines.append(Array(raw))
                origins.append((name, lineNumber))
            }
        }

        let client: IntakeClient
        do {
            client = try IntakeClient(socketPath: socketPath)
        } catch {
            printError("mashctl send: \(error)")
            throw ExitCode(2)
        }
        let progress = isatty(2) == 1 && !replies
        var accepted = 0, duplicates = 0, rejected: [(Int, Reply)] = [], answered = 0
        var lastProgress = Date.distantPast
        do {
            try client.exchange(lines) { reply in
                answered += 1
                if replies { print(reply.text) }
                if reply.ok {
                    accepted += 1
                    if reply.duplicate { duplicates += 1 }
                } else {
                    rejected.append((reply.line, reply))
                }
                if progress, Date().timeIntervalSince(lastProgress) > 0.1 {
                    lastProgress = Date()
                    FileHandle.standardError.write(Data("\r  answered \(answered) of \(lines.count)".utf8))
                }
            }
        } catch {
            printError("mashctl send: \(error)")
        }
        if progress { FileHandle.standardError.write(Data("\r\u{1B}[K".utf8)) }

        let unanswered = lines.count - answered
        var summary = "\(lines.count) lines: \(accepted) accepted (\(duplicates) duplicates), \(rejected.count) rejected"
        if unanswered > 0 { summary += ", \(unanswered) unanswered" }
        let toStderr = replies
        func out(_ s: String) {
            if toStderr { printError(s) } else { print(s) }
        }
        out(summary)
        if !quiet {
            for (n, r) in rejected {
                let origin = n >= 1 && n <= origins.count ? "\(origins[n - 1].file):\(origins[n - 1].line)" : "line \(n)"
                let field = r.errorField.map { " at \($0)" } ?? ""
                out("  \(origin): \(r.errorCode ?? "?")\(field): \(r.errorMessage ?? r.text)")
            }
            if unanswered > 0 {
                let first = origins[answered]
                out("  mashd closed the connection before answering; from \(first.file):\(first.line) on, nothing was acknowledged: send those lines again")
            }
        }
        if unanswered > 0 { throw ExitCode(3) }
        if !rejected.isEmpty { throw ExitCode(1) }
    }
}

func printError(_ s: String) {
    FileHandle.standardError.write(Data((s + "\n").utf8))
}
