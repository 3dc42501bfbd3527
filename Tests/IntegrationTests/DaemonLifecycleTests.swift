import Foundation
import GRDB
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

    @Test func aSocketPathInUseOrNotASocketIsRefusedAndNeverTakenOver() throws {
        let dir = Harness.temporaryDirectory("takeover")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let daemon = try Harness.start(dir)
        // A second mashd, on its own state directory, pointed at the first one's socket.
        let second = try Harness.run(Harness.mashd, ["--state-dir", dir + "/second", "--socket", daemon.socketPath], timeout: 20)
        #expect(second.status == 75)
        #expect(second.err.contains("another process is listening on \(daemon.socketPath)"), "\(second.err)")
        // The first still has its socket, and answers on it.
        #expect(try Harness.send([Harness.merlinExample], to: daemon.socketPath).first?.ok == true)
        // A file that is not a socket is left as it was.
        let file = dir + "/notes.txt"
        try "keep me\n".write(toFile: file, atomically: true, encoding: .utf8)
        let onFile = try Harness.run(Harness.mashd, ["--state-dir", dir + "/third", "--socket", file], timeout: 20)
        #expect(onFile.status == 73)
        #expect(onFile.err.contains("\(file) exists and is not a socket"), "\(onFile.err)")
        #expect(try String(contentsOfFile: file, encoding: .utf8) == "keep me\n")
        // Somebody's datagram socket (a stream connect to it fails, but not as refused).
        let datagramPath = dir + "/log.sock"
        let datagram = try Harness.bindDatagram(datagramPath)
        defer { close(datagram) }
        var before = stat(), after = stat()
        stat(datagramPath, &before)
        let onDatagram = try Harness.run(Harness.mashd, ["--state-dir", dir + "/fifth", "--socket", datagramPath], timeout: 20)
        #expect(onDatagram.status == 73, "\(onDatagram.err)")
        #expect(onDatagram.err.contains("is a socket mashd cannot take"), "\(onDatagram.err)")
        #expect(stat(datagramPath, &after) == 0 && after.st_ino == before.st_ino)
        let noDirectory = try Harness.run(Harness.mashd, ["--state-dir", dir + "/fourth", "--socket", dir + "/missing/intake.sock"], timeout: 20)
        #expect(noDirectory.status == 73)
        #expect(noDirectory.err.contains("its directory \(dir)/missing does not exist"), "\(noDirectory.err)")
        // Sockets left by a mashd that was killed are taken: nobody listens on them. (The
        // harness clears the intake socket itself; the control sockets are left as they were.)
        daemon.stop(signal: SIGKILL)
        #expect(FileManager.default.fileExists(atPath: dir + "/state/control.sock"))
        #expect(FileManager.default.fileExists(atPath: dir + "/state/status.sock"))
        let again = try Harness.start(dir)
        #expect(try Harness.send([Harness.merlinExample], to: again.socketPath).first?.duplicate == true)
        again.stop()
    }

    /// Whether the peer has closed `fd` (a read would give end of file now).
    static func peerClosed(_ fd: CInt) -> Bool {
        var byte: UInt8 = 0
        return recv(fd, &byte, 1, Int32(MSG_PEEK) | Int32(MSG_DONTWAIT)) == 0
    }

    /// Sends one line on a connected descriptor and reads its reply line (empty on end of file
    /// or after 10 s).
    static func exchange(_ fd: CInt, _ line: String) -> String {
        let bytes = Array((line + "\n").utf8)
        guard bytes.withUnsafeBytes({ send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == bytes.count else { return "" }
        var reply: [UInt8] = []
        var byte: UInt8 = 0
        while reply.last != 0x0A {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            guard poll(&pfd, 1, 10_000) == 1, recv(fd, &byte, 1, 0) == 1 else { break }
            reply.append(byte)
        }
        return String(decoding: reply, as: UTF8.self)
    }

    @Test func connectionsOverTheLimitAreClosedAndIdleStatusConnectionsDoNotLast() throws {
        let dir = Harness.temporaryDirectory("limit")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try "[intake]\nmax_connections = 3\n".write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let daemon = try Harness.start(dir, arguments: ["--config", dir + "/mashd.toml"])
        defer { daemon.stop() }
        // Three connections, each shown to be let in by a reply (the harness's own probe
        // connection may take a moment to be counted as closed: retry until it has).
        var held: [CInt] = []
        for n in 0..<3 {
            for attempt in 0..<50 {
                let fd = try Harness.connect(daemon.socketPath)
                if Self.exchange(fd, Harness.merlin("LIMIT-\(n)-\(attempt)")).contains("\"ok\":true") {
                    held.append(fd)
                    break
                }
                close(fd)
                usleep(100_000)
            }
        }
        #expect(held.count == 3)
        // The fourth is closed at once: end of file, no reply.
        let over = try Harness.connect(daemon.socketPath)
        #expect(Self.exchange(over, Harness.merlinExample).isEmpty)
        close(over)
        // Once one closes, a new one is let in.
        close(held.removeLast())
        var again: [Reply] = []
        for _ in 0..<50 where again.first?.ok != true {
            again = (try? Harness.send([Harness.merlinExample], to: daemon.socketPath)) ?? []
            if again.first?.ok != true { usleep(100_000) }
        }
        #expect(again.first?.ok == true)
        held.forEach { close($0) }

        // The status socket, open to every local user: at most 32 connections, and one that
        // sends nothing is closed after 10 s.
        let status = dir + "/state/status.sock"
        let idle = try (0..<40).map { _ in try Harness.connect(status) }
        // Those over the limit are closed at once; the others only after 10 s.
        var cut: [CInt] = []
        for _ in 0..<50 {
            cut = idle.filter { Self.peerClosed($0) }
            if cut.count >= 8 { break }
            usleep(100_000)
        }
        #expect(cut.count == 8)
        for fd in idle where !cut.contains(fd) {
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            #expect(poll(&pfd, 1, 15_000) == 1)
            #expect(Harness.readToEnd(fd).isEmpty)
        }
        idle.forEach { close($0) }
        let shown = try Harness.run(Harness.mashctl, ["status", "--state-dir", dir + "/state"], timeout: 30)
        #expect(shown.status == 0, "\(shown.out) \(shown.err)")
        let log = (try? String(contentsOfFile: daemon.logPath, encoding: .utf8)) ?? ""
        #expect(log.contains("event=connection-limit") && log.contains("socket=status"))
    }

    @Test(arguments: [
        ("[intake]\nsocket_mode = 660\n", "intake.socket_mode"),
        ("[intake]\nmax_line_bytes = \"big\"\n", "intake.max_line_bytes"),
        ("[timescales]\nred = \"4 hours\"\n", "timescales.red"),
        ("[intake]\nsokcet = \"/tmp/x\"\n", "intake.sokcet"),
        ("[nonsense]\n", "[nonsense]"),
        ("this is not toml\n", ":1:"),
        ("[intake]\nsocket = \"\"\n", "intake.socket"),
        ("[metrics]\nsocket = \"\"\n", "metrics.socket"),
        ("[agencies]\nnames = [\"csc\", \"csc\", \"police\"]\n", "agencies.names"),
        ("[metrics]\nlisten = \"10.0.0.1:9464\"\n", "metrics.listen"),
        ("[metrics]\nlisten = \"[::1]\"\n", "metrics.listen"),
        ("[timescales]\ngreen = \"0s\"\n", "timescales.green: must be a whole number above 0"),
    ])
    func anInvalidConfigStopsTheStartNamingTheKey(config: String, key: String) throws {
        let dir = Harness.temporaryDirectory("config")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try config.write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let r = try Harness.run(Harness.mashd, ["--state-dir", dir + "/state", "--config", dir + "/mashd.toml"])
        #expect(r.status == 78)
        #expect(r.err.contains(key), "\(r.err)")
    }

    /// A reload takes the timescales, the model and the permissions. A change to anything
    /// read only at start is refused by name, not reported as done and ignored; so is a config
    /// file that has gone, which would otherwise put every setting back to the defaults.
    @Test func aReloadRefusesWhatItCannotApply() throws {
        let dir = Harness.temporaryDirectory("reload")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/conf", withIntermediateDirectories: true)
        let config = dir + "/conf/mashd.toml"
        try "[timescales]\nred = \"2h\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        let daemon = try Harness.start(dir, environment: ["CONFIGURATION_DIRECTORY": dir + "/conf"])
        let state = dir + "/state"
        func status() throws -> String { try Harness.run(Harness.mashctl, ["status", "--state-dir", state]).out }
        var shown = try status()
        #expect(shown.contains("timescales.red: 4h -> 2h"), "\(shown)")

        try "[timescales]\nred = \"1h\"\n[intake]\nmax_line_bytes = 2048\n[log]\nlevel = \"debug\"\n".write(
            toFile: config, atomically: true, encoding: .utf8)
        let refused = try Harness.run(Harness.mashctl, ["reload", "--state-dir", state])
        #expect(refused.status == 1)
        #expect(refused.err.contains("intake.max_line_bytes, log.level cannot change on reload"), "\(refused.err)")
        shown = try status()
        #expect(shown.contains("timescales.red: 4h -> 2h"), "the refused reload changed the timescales: \(shown)")
        // The running limit is still 1 MiB.
        let long = Harness.merlin("LONG").replacingOccurrences(of: "\"circumstances\":\"", with: "\"circumstances\":\"" + String(repeating: "x", count: 3000))
        #expect(try Harness.send([long], to: daemon.socketPath).first?.ok == true)

        try "[timescales]\nred = \"1h\"\n".write(toFile: config, atomically: true, encoding: .utf8)
        #expect(try Harness.run(Harness.mashctl, ["reload", "--state-dir", state]).status == 0)
        shown = try status()
        #expect(shown.contains("timescales.red: 4h -> 1h"), "\(shown)")

        try FileManager.default.removeItem(atPath: config)
        let gone = try Harness.run(Harness.mashctl, ["reload", "--state-dir", state])
        #expect(gone.status == 1 && gone.err.contains("not there any more"), "\(gone.err)")
        shown = try status()
        #expect(shown.contains("timescales.red: 4h -> 1h"), "\(shown)")
        #expect(daemon.stop() == 0)
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

    /// `mashctl status` from the running daemon, from a mashd it cannot reach (its sockets in
    /// another RUNTIME_DIRECTORY: once reported as NOT RUNNING), and from the store once stopped.
    @Test func statusTellsRunningUnreachableAndStopped() throws {
        let dir = Harness.temporaryDirectory("status")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createDirectory(atPath: dir + "/run", withIntermediateDirectories: true)
        let daemon = try Harness.start(dir, environment: ["RUNTIME_DIRECTORY": dir + "/run"])
        #expect(try Harness.send([Harness.merlinExample], to: daemon.socketPath).first?.ok == true)
        let up = try Harness.run(Harness.mashctl, ["status", "--socket", dir + "/run/status.sock"])
        #expect(up.status == 0, "\(up.err)")
        #expect(up.out.contains("mashd: running") && up.out.contains("london-standard"), "\(up.out)")
        let unreachable = try Harness.run(Harness.mashctl, ["status", "--state-dir", dir + "/state"])
        #expect(unreachable.status == 4)
        #expect(unreachable.out.contains("RUNNING (pid \(daemon.process.processIdentifier)) but NOT ANSWERING"), "\(unreachable.out)")
        #expect(unreachable.err.contains("give --socket"), "\(unreachable.err)")
        #expect(daemon.stop() == 0)
        let down = try Harness.run(Harness.mashctl, ["status", "--state-dir", dir + "/state"])
        #expect(down.status == 3)
        #expect(down.out.contains("mashd: NOT RUNNING (figures read from the store)"), "\(down.out)")
        #expect(down.out.contains("amber 1"), "\(down.out)")
        #expect(down.out.contains("oldest waiting: 100-01W (amber)") && down.out.contains(", deadline 20"), "\(down.out)")
        // A case screened but not yet started (mashd stopped in between) has no deadline yet:
        // status says when it gets one, not "none".
        try DatabaseQueue(path: dir + "/state/mashd.sqlite").write { db in
            try db.execute(sql: "UPDATE cases SET stage = 'new', deadline = NULL")
        }
        let unstarted = try Harness.run(Harness.mashctl, ["status", "--state-dir", dir + "/state"])
        #expect(unstarted.out.contains("deadline set when its research is requested"), "\(unstarted.out)")
    }

    /// A metrics address already in use once left mashd spinning a core, deaf to SIGTERM and
    /// writing an error line per retry: a failed part must stop the others in order and exit.
    @Test func aMetricsAddressInUseStopsMashdWithTheReason() throws {
        let dir = Harness.temporaryDirectory("metrics-busy")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let (holder, port) = try Self.listenOnLoopback()
        defer { close(holder) }
        try "[metrics]\nlisten = \"127.0.0.1:\(port)\"\n".write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let p = Process()
        p.executableURL = URL(fileURLWithPath: Harness.mashd)
        p.arguments = ["--state-dir", dir + "/state", "--socket", dir + "/intake.sock", "--config", dir + "/mashd.toml"]
        let err = Pipe()
        p.standardError = err
        p.standardOutput = FileHandle.nullDevice
        try p.run()
        let deadline = Date().addingTimeInterval(30)
        while p.isRunning && Date() < deadline { usleep(50_000) }
        let hung = p.isRunning
        if hung { kill(p.processIdentifier, SIGKILL) }
        p.waitUntilExit()
        let text = String(decoding: err.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        #expect(!hung, "mashd did not stop within 30 s")
        #expect(p.terminationStatus == 1)
        #expect(text.contains("mashd: cannot serve metrics on 127.0.0.1:\(port) ([metrics] listen): Address already in use"), "\(text)")
        #expect(!text.contains(" ready"), "mashd must not say it is ready when a socket failed")
    }

    /// A TCP socket listening on a free loopback port, and the port.
    static func listenOnLoopback() throws -> (CInt, Int) {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var addr = sockaddr_in()
        addr.sin_family = sa_family_t(AF_INET)
        addr.sin_addr.s_addr = inet_addr("127.0.0.1")
        addr.sin_port = 0
        var len = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &addr) { a in
            a.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                bind(fd, $0, len) == 0 && listen(fd, 1) == 0 && getsockname(fd, $0, &len) == 0
            }
        }
        guard fd >= 0, ok else { throw POSIXError(.EADDRNOTAVAIL) }
        return (fd, Int(UInt16(bigEndian: addr.sin_port)))
    }
}
