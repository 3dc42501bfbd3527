import Foundation
import MASHClient
import Testing

/// mashd as systemd sees it: the notification socket, socket activation with named
/// descriptors, peer credentials, and logs free of personal data.
@Suite(.serialized)
struct SystemdTests {
    /// A datagram socket standing in for systemd's `NOTIFY_SOCKET`.
    final class NotifySocket: @unchecked Sendable {
        let path: String
        let fd: CInt
        let lock = NSLock()
        var messages: [(at: Date, text: String)] = []
        /// For each READY=1, whether the intake socket accepted a connection at that moment.
        var intakeAtReady: [Bool] = []
        var intakePath: String?
        var running = true

        init(path: String) throws {
            self.path = path
            fd = try Harness.bindDatagram(path)
            var tv = timeval(tv_sec: 0, tv_usec: 100_000)
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
            Thread.detachNewThread { [self] in
                var buffer = [UInt8](repeating: 0, count: 4096)
                while lock.withLock({ running }) {
                    let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
                    guard n > 0 else { continue }
                    let text = String(decoding: buffer[0..<n], as: UTF8.self)
                    var connectable = false
                    if text.contains("READY=1"), let p = lock.withLock({ intakePath }) {
                        connectable = (try? IntakeClient(socketPath: p)) != nil
                    }
                    lock.withLock {
                        messages.append((Date(), text))
                        if text.contains("READY=1") { intakeAtReady.append(connectable) }
                    }
                }
            }
        }

        func stop() {
            lock.withLock { running = false }
            usleep(200_000)
            close(fd)
        }

        var all: [String] { lock.withLock { messages.map(\.text) } }

        /// Waits for a message containing `text` after index `from`; returns its index.
        func wait(for text: String, after from: Int = -1, timeout: TimeInterval = 15) -> Int? {
            let deadline = Date().addingTimeInterval(timeout)
            while Date() < deadline {
                if let i = all.indices.first(where: { $0 > from && all[$0].contains(text) }) { return i }
                usleep(20_000)
            }
            return nil
        }
    }

    @Test func notificationsFollowReadinessReloadWatchdogAndStop() throws {
        let dir = Harness.temporaryDirectory("notify")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let notify = try NotifySocket(path: dir + "/notify.sock")
        defer { notify.stop() }
        notify.lock.withLock { notify.intakePath = dir + "/intake.sock" }
        let modelPath = dir + "/model.json"
        try Harness.run(Harness.mashctl, ["model"]).out.write(toFile: modelPath, atomically: true, encoding: .utf8)
        let daemon = try Harness.start(
            dir, arguments: ["--model", modelPath],
            environment: ["NOTIFY_SOCKET": notify.path, "WATCHDOG_USEC": "1000000"])

        let ready = try #require(notify.wait(for: "READY=1"))
        #expect(notify.lock.withLock { notify.intakeAtReady.first } == true, "READY came before the intake socket listened")
        #expect(notify.all[ready].contains("STATUS=waiting:"))
        #expect(notify.all[ready].contains("london-standard v1 standard"))

        // The watchdog is pinged while all is well.
        sleep(2)
        #expect(notify.all.filter { $0.contains("WATCHDOG=1") }.count >= 2)

        // SIGHUP: RELOADING with MONOTONIC_USEC, then READY.
        kill(daemon.process.processIdentifier, SIGHUP)
        let reloading = try #require(notify.wait(for: "RELOADING=1", after: ready))
        let text = notify.all[reloading]
        #expect(text.split(separator: "\n").contains { $0.hasPrefix("MONOTONIC_USEC=") && $0.dropFirst(15).allSatisfy(\.isNumber) })
        let readyAgain = try #require(notify.wait(for: "READY=1", after: reloading))
        #expect(readyAgain > reloading)

        // A bad model is refused: the old model keeps running, and STATUS says why.
        try "{\"name\": \"broken\"".write(toFile: modelPath, atomically: true, encoding: .utf8)
        kill(daemon.process.processIdentifier, SIGHUP)
        let refusedReady = try #require(notify.wait(for: "READY=1", after: readyAgain))
        #expect(notify.all[refusedReady].contains("last reload refused"))
        #expect(notify.all[refusedReady].contains("london-standard v1 standard"))
        let viaCtl = try Harness.run(Harness.mashctl, ["reload", "--state-dir", dir + "/state"])
        #expect(viaCtl.status == 1)
        #expect(viaCtl.err.contains("refused") && viaCtl.err.contains("invalid JSON"))
        // Lines are still accepted with the old model.
        #expect(try Harness.send([Harness.merlinExample], to: daemon.socketPath).first?.rag == "amber")

        #expect(daemon.stop(signal: SIGTERM) == 0)
        #expect(notify.wait(for: "STOPPING=1", after: refusedReady, timeout: 5) != nil)
    }

    /// Runs mashd under `systemd-socket-activate`, which listens, and starts mashd with the
    /// named descriptors at the first connection.
    final class Activated {
        let process = Process()
        let dir: String

        init(dir: String, sockets: [(path: String, name: String)]) throws {
            self.dir = dir
            process.executableURL = URL(fileURLWithPath: "/usr/bin/systemd-socket-activate")
            process.arguments = sockets.flatMap { ["-l", $0.path] } + ["--fdname=" + sockets.map(\.name).joined(separator: ":")]
                + ["-E", "RUNTIME_DIRECTORY=\(dir)", Harness.mashd, "--state-dir", dir + "/state"]
            let log = FileManager.default.createFile(atPath: dir + "/mashd.log", contents: nil)
            _ = log
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: dir + "/mashd.log"))
            process.standardError = handle
            process.standardOutput = handle
            try process.run()
            let deadline = Date().addingTimeInterval(10)
            while !sockets.allSatisfy({ FileManager.default.fileExists(atPath: $0.path) }), Date() < deadline { usleep(20_000) }
        }

        func stop() -> Int32 {
            kill(process.processIdentifier, SIGTERM)
            process.waitUntilExit()
            return process.terminationStatus
        }
    }

    @Test func socketActivationOfTheSharedSocket() throws {
        let dir = Harness.temporaryDirectory("act")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Activated(dir: dir, sockets: [(dir + "/intake.sock", "intake")])
        let replies = try Harness.send([Harness.merlinExample, Harness.laExample], to: dir + "/intake.sock")
        #expect(replies.map(\.ok) == [true, true])
        let log = try String(contentsOfFile: dir + "/mashd.log", encoding: .utf8)
        #expect(log.contains("socket-activated"))
        #expect(a.stop() == 0)
    }

    @Test func socketActivationBindsANamedSocketToItsAdapter() throws {
        let dir = Harness.temporaryDirectory("actm")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let a = try Activated(dir: dir, sockets: [(dir + "/intake.sock", "intake"), (dir + "/merlin.sock", "merlin")])
        let withoutFormat = Harness.merlin("ACT-1").replacingOccurrences(of: #""format":"merlin/1","#, with: "")
        let onMerlin = try Harness.send([withoutFormat, Harness.laExample, Harness.merlin("ACT-2")], to: dir + "/merlin.sock")
        #expect(onMerlin[0].ok, "\(onMerlin[0].text)")
        #expect(onMerlin[1].errorCode == "invalid-field" && onMerlin[1].errorField == "/format")
        #expect(onMerlin[2].ok)
        // The shared socket still takes every format, and needs format.
        let onShared = try Harness.send([Harness.laExample, withoutFormat], to: dir + "/intake.sock")
        #expect(onShared[0].ok)
        #expect(onShared[1].errorCode == "missing-field")
        #expect(a.stop() == 0)
    }

    @Test func aPeerNotPermittedAFormatIsRefusedLineByLine() throws {
        guard getuid() == 0, FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"),
            FileManager.default.isExecutableFile(atPath: "/usr/bin/socat")
        else {
            Issue.record("needs root, setpriv and socat to connect as another user")
            return
        }
        let dir = Harness.temporaryDirectory("perm")
        defer { try? FileManager.default.removeItem(atPath: dir) }
        chmod(dir, 0o755)
        try """
            [intake]
            socket_mode = "0666"

            [permissions."la-referral/1"]
            users = ["root"]
            groups = ["root"]
            """.write(toFile: dir + "/mashd.toml", atomically: true, encoding: .utf8)
        let daemon = try Harness.start(dir, arguments: ["--config", dir + "/mashd.toml"])
        let input = Harness.merlinExample + "\n" + Harness.laExample + "\n"
        let asNobody = try Harness.run(
            "/usr/bin/setpriv", ["--reuid=65534", "--regid=65534", "--clear-groups", "/usr/bin/socat", "-t", "5", "-", "UNIX-CONNECT:" + daemon.socketPath],
            stdin: Data(input.utf8))
        let replies = asNobody.out.split(separator: "\n").map(String.init)
        #expect(replies.count == 2)
        #expect(replies.first?.hasPrefix(#"{"ok":true"#) == true)
        #expect(replies.last?.contains(#""code":"not-permitted""#) == true, "\(replies)")
        // Root may send both.
        #expect(try Harness.send([Harness.laExample], to: daemon.socketPath).first?.ok == true)
        daemon.stop()
        let log = try String(contentsOfFile: daemon.logPath, encoding: .utf8)
        #expect(log.contains("not-permitted") && log.contains("uid=65534"))
    }

    @Test func logsCarryNoPersonalData() throws {
        let d = try ProcessDaemon("pii", arguments: ["--log-level", "trace"])
        let merlin = try d.send(Harness.merlinExample)
        let la = try d.send(Harness.laExample)
        for (r, agencies) in [(merlin, ["police", "health", "education", "housing"]), (la, ["police", "health", "education", "housing"])] {
            for a in agencies {
                try d.answer(r.id!, a, findings: #"[{"summary":"Chidi Okafor known to us since 2019","shareable":false,"indicators":["violent-offender-in-household"]}]"#)
            }
            _ = try d.waitDecided(r.id!)
        }
        // Rejected lines too: their content must not reach the log.
        _ = try d.send(#"{"format":"merlin/1","merlinRef":"PII-BAD","borough":"Hackney","createdAt":"bad","children":[{"surname":"Okafor"}]}"#)
        d.daemon.stop()
        let log = try String(contentsOfFile: d.daemon.logPath, encoding: .utf8)
        #expect(log.contains("event=accepted") && log.contains("event=decided") && log.contains("event=dispatched"))
        for personal in [
            "Okafor", "Amara", "Chidi", "Marsh", "Leo", "Kerry", "Adeyemi", "Patel", "2025-09-03", "1991-02-17", "2017-04-22",
            "Mare Street", "Glyn Road", "E8 4RP", "E5 0JD", "9434765919", "H801200101013", "224466", "neighbour", "hungry",
            "020 7000 0000", "Mandeville",
        ] {
            #expect(!log.contains(personal), "the log contains \(personal)")
        }
    }
}
