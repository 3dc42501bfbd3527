import ArgumentParser
import Foundation
import MASHClient
import MASHReplay

/// `mashctl bench`: measurements through the real daemon, its real socket and real outbox
/// files. Figures vary with the machine and its load: they are measurements, not assertions.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure mashd: intake throughput, end-to-end throughput, Red latency.",
        subcommands: [IntakeBench.self, ProcessBench.self, LatencyBench.self],
        defaultSubcommand: IntakeBench.self)
}

/// Options every benchmark shares.
struct BenchOptions: ParsableArguments {
    @Option(help: ArgumentHelp("The mashd executable (default: next to mashctl).", valueName: "PATH"))
    var mashd: String?

    @Option(help: ArgumentHelp("Where to make temporary state directories.", valueName: "DIR"))
    var workDir: String = NSTemporaryDirectory()

    var executable: String {
        mashd ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mashd").path
    }

    @Flag(help: "Keep the state directories and daemon logs instead of removing them.")
    var keep = false

    @Option(help: ArgumentHelp("The daemon's log level: each accepted line logged at info costs time a benchmark would count.", valueName: "LEVEL"))
    var daemonLogLevel = "warning"

    func directory(_ tag: String) -> String { workDir + "/mashd-bench-\(getpid())-\(tag)" }

    func remove(_ dir: String) {
        if keep {
            print("kept \(dir) and \(dir).log")
        } else {
            try? FileManager.default.removeItem(atPath: dir)
            try? FileManager.default.removeItem(atPath: dir + ".log")
        }
    }
}

/// `mashctl bench intake`: acknowledged lines per second, durable and with `synchronous=OFF`.
struct IntakeBench: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "intake",
        abstract: "Measure intake throughput: acknowledged lines per second.",
        discussion: """
            For each durability and client count, starts a fresh mashd on a temporary state \
            directory, sends LINES synthetic notifications split evenly over the clients (each \
            client pipelines its lines on its own connection), and reports the rate at which \
            lines were acknowledged, from the first byte sent to the last reply read. Every \
            reply must be ok; anything else fails the run. The figures vary with the machine and \
            its load: they are measurements, not assertions.

            mashd cpu-s is the processor time mashd used over the same span (user plus system, \
            its process engine included), and us/line that time per line: on a shared machine it \
            varies far less than the rate does. The clients run on the same machine and their \
            time is not in it: client cpu-s is theirs (this process's own time over the span).
            """)

    @Option(help: "Lines per run.")
    var lines = 100_000

    @Option(help: "Client counts to run, comma-separated.")
    var clients = "1,8"

    @Option(help: "Durabilities to run: full (fsync per commit) and/or off (synchronous=OFF, comparison only).")
    var durability = "full,off"

    @OptionGroup var options: BenchOptions

    func run() throws {
        let exe = options.executable
        let counts = clients.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        let modes = durability.split(separator: ",").map(String.init)
        // Removed at the end, not after each run: ext4 without a journal skips inodes freed in
        // the last minute when it makes a file, so a run just after deleting another's hundred
        // thousand products would measure that scan, not mashd.
        var made: [String] = []
        defer { made.forEach(options.remove) }
        print("lines  clients  durability  seconds  lines/s  mashd cpu-s  us/line  client cpu-s")
        for mode in modes {
            guard mode == "full" || mode == "off" else { throw ValidationError("durability must be full or off, not \(mode)") }
            for n in counts {
                let dir = options.directory("\(mode)-\(n)")
                made.append(dir)
                let all = NotificationGenerator.notifications(count: lines, seed: 42)
                let perClient = (0..<n).map { c in stride(from: c, to: lines, by: n).map { Array(all[$0].line.utf8) } }
                let daemon = try DaemonProcess(
                    executable: exe, stateDirectory: dir,
                    arguments: ["--log-level", options.daemonLogLevel] + (mode == "off" ? ["--unsafe-synchronous-off"] : []))
                let bad = LockedCounter()
                let socketPath = daemon.socketPath
                let cpuBefore = daemon.cpuSeconds ?? 0
                let clientBefore = Self.ownCPUSeconds()
                let start = Date()
                ClientThreads.run(n) { c in
                    do {
                        let client = try IntakeClient(socketPath: socketPath)
                        var got = 0
                        try client.exchange(perClient[c]) { reply in
                            got += 1
                            if !reply.ok { bad.add(1) }
                        }
                        bad.add(perClient[c].count - got)
                    } catch {
                        bad.add(perClient[c].count)
                    }
                }
                let seconds = Date().timeIntervalSince(start)
                let cpu = (daemon.cpuSeconds ?? .nan) - cpuBefore
                let clientCPU = Self.ownCPUSeconds() - clientBefore
                daemon.stop()
                guard bad.value == 0 else { throw ValidationError("\(bad.value) lines were not acknowledged ok; see \(daemon.logPath)") }
                print(
                    String(lines).padding(toLength: 7, withPad: " ", startingAt: 0) + String(n).padding(toLength: 9, withPad: " ", startingAt: 0)
                        + mode.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%7.2f  %7.0f  %11.2f  %7.1f  %12.2f", seconds, Double(lines) / seconds, cpu, cpu / Double(lines) * 1e6, clientCPU))
            }
        }
    }
}

extension IntakeBench {
    /// This process's processor time so far, user plus system, in seconds.
    static func ownCPUSeconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return seconds(usage.ru_utime) + seconds(usage.ru_stime)
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.withLock { n += k } }
    var value: Int { lock.withLock { n } }
}
