import Foundation
import MASHClient
import Testing

/// Start, stop and refusal: what an operator sees.
@Suite(.serialized)
struct DaemonLifecycleTests {
    @Test func sigtermAnswersLinesInFlightAndExitsZero() throws {
        let dir = Harness.temporaryDirectory("term")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let socket = daemon.socketPath
        let lines = (0..<3000).map { Array(Harness.merlin("TERM-\($0)").utf8) }
        let answered = LockedInt(), accepted = LockedInt()
        let group = DispatchGroup()
        DispatchQueue.global().async(group: group) {
            try? IntakeClient(socketPath: socket).exchange(lines) { r in
                answered.add(1)
                if r.ok { accepted.add(1) }
            }
        }
        usleep(100_000)
        #expect(daemon.stop(signal: SIGTERM) == 0)
        group.wait()
        // Every reply written was ok, and every ok line is in the store.
        #expect(answered.value == accepted.value)
        #expect(try Harness.counts(dir).cases >= accepted.value)
        // A new connection is refused now.
        #expect(throws: IntakeClient.Failure.self) { try IntakeClient(socketPath: socket) }
    }

    @Test func sigintAlsoStopsCleanly() throws {
        let dir = Harness.temporaryDirectory("int")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        _ = try Harness.send([Harness.merlinExample], to: daemon.socketPath)
        #expect(daemon.stop(signal: SIGINT) == 0)
    }

    @Test func aSecondDaemonOnTheSameStateDirectoryRefusesToStart() throws {
        let dir = Harness.temporaryDirectory("twice")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        let second = try Harness.run(Harness.mashd, ["--state-dir", dir + "/state", "--socket", dir + "/other.sock"])
        #expect(second.status == 75)
        #expect(second.err.contains("is in use by another mashd (pid \(daemon.process.processIdentifier))"))
        // The first is unaffected.
        #expect(try Harness.send([Harness.merlinExample], to: daemon.socketPath).first?.ok == true)
        daemon.stop()
    }

    @Test(arguments: [
        ("[intake]\nsocket_mode = 660\n", "intake.socket_mode"),
        ("[intake]\nmax_line_bytes = \"big\"\n", "intake.max_line_bytes"),
        ("[timescales]\nred = \"4 hours\"\n", "timescales.red"),
        ("[intake]\nsokcet = \"/tmp/x\"\n", "intake.sokcet"),
        ("[nonsense]\n", "[nonsense]"),
        ("this is not toml\n", ":1:"),
    ])
    func anInvalidConfigStopsTheStartNamingTheKey(config: String, key: String) throws {
        let dir = Harness.temporaryDirectory("config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try config.write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let r = try Harness.run(Harness.mashd, ["--state-dir", dir + "/state", "--config", dir + "/mashd.toml"])
        #expect(r.status == 78)
        #expect(r.err.contains(key), "\(r.err)")
    }

    @Test func anEmptyConfigUsesTheDefaultsAndOutboxesAreMade() throws {
        let dir = Harness.temporaryDirectory("defaults")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "".write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let daemon = try Harness.start(dir, arguments: ["--config", dir + "/mashd.toml"])
        for agency in ["csc", "police", "health", "education", "early-help", "probation", "housing", "yos", "referrer-feedback", "mash-manager"] {
            for sub in ["tmp", "new", "cur"] {
                var isDir: ObjCBool = false
                #expect(FileManager.default.fileExists(atPath: "\(dir)/state/outbox/\(agency)/\(sub)", isDirectory: &isDir) && isDir.boolValue)
            }
        }
        #expect(daemon.stop() == 0)
    }

    @Test func mashdHelpDescribesFilesSignalsAndExitStatus() throws {
        let r = try Harness.run(Harness.mashd, ["--help"])
        #expect(r.status == 0)
        for word in ["--state-dir", "--socket", "--config", "SIGTERM", "EXIT STATUS", "intake.sock", "STATE_DIRECTORY"] {
            #expect(r.out.contains(word), "mashd --help lacks \(word)")
        }
        #expect(!r.out.contains("unsafe"), "the benchmark-only flag must stay hidden")
    }
}
