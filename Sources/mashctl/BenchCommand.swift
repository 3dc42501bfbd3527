import ArgumentParser
import Foundation
import MASHClient

/// `mashctl bench`: measures acknowledged lines per second through the real daemon and the
/// real socket, with the store durable and, for comparison only, with `synchronous=OFF`.
struct BenchCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bench",
        abstract: "Measure intake throughput: acknowledged lines per second.",
        discussion: """
            For each durability and client count, starts a fresh mashd on a temporary state \
            directory, sends LINES synthetic notifications split evenly over the clients (each \
            client pipelines its lines on its own connection), and reports the rate at which \
            lines were acknowledged, from the first byte sent to the last reply read. Every \
            reply must be ok; anything else fails the run. The figures vary with the machine and \
            its load: they are measurements, not assertions.
            """)

    @Option(help: "Lines per run.")
    var lines = 100_000

    @Option(help: "Client counts to run, comma-separated.")
    var clients = "1,8"

    @Option(help: "Durabilities to run: full (fsync per commit) and/or off (synchronous=OFF, comparison only).")
    var durability = "full,off"

    @Option(help: ArgumentHelp("The mashd executable (default: next to mashctl).", valueName: "PATH"))
    var mashd: String?

    @Option(help: ArgumentHelp("Where to make temporary state directories.", valueName: "DIR"))
    var workDir: String = NSTemporaryDirectory()

    func run() throws {
        let exe = mashd ?? URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("mashd").path
        let counts = clients.split(separator: ",").compactMap { Int($0) }.filter { $0 > 0 }
        let modes = durability.split(separator: ",").map(String.init)
        print("lines  clients  durability  seconds  lines/s")
        for mode in modes {
            guard mode == "full" || mode == "off" else { throw ValidationError("durability must be full or off, not \(mode)") }
            for n in counts {
                let dir = workDir + "/mashd-bench-\(getpid())-\(mode)-\(n)"
                defer { try? FileManager.default.removeItem(atPath: dir) }
                let daemon = try DaemonProcess(
                    executable: exe, stateDirectory: dir, arguments: mode == "off" ? ["--unsafe-synchronous-off"] : [])
                let generator = SyntheticNotifications(seed: 42, prefix: "B\(mode)\(n)")
                let perClient = (0..<n).map { c in
                    stride(from: c, to: lines, by: n).map { Array(generator.line($0).utf8) }
                }
                let bad = LockedCounter()
                let socketPath = daemon.socketPath
                let start = Date()
                DispatchQueue.concurrentPerform(iterations: n) { c in
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
                daemon.stop()
                guard bad.value == 0 else { throw ValidationError("\(bad.value) lines were not acknowledged ok; see \(daemon.logPath)") }
                try? FileManager.default.removeItem(atPath: daemon.logPath)
                print(
                    String(lines).padding(toLength: 7, withPad: " ", startingAt: 0) + String(n).padding(toLength: 9, withPad: " ", startingAt: 0)
                        + mode.padding(toLength: 12, withPad: " ", startingAt: 0)
                        + String(format: "%7.2f  %7.0f", seconds, Double(lines) / seconds))
            }
        }
    }
}

final class LockedCounter: @unchecked Sendable {
    private let lock = NSLock()
    private var n = 0
    func add(_ k: Int) { lock.withLock { n += k } }
    var value: Int { lock.withLock { n } }
}
