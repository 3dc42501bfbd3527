import Foundation

/// A `mashd` child process on a state directory, for the benchmark and the tests: started,
/// waited for until its socket answers, and stopped with a signal.
public final class DaemonProcess {
    public let executable: String
    public let stateDirectory: String
    public let socketPath: String
    public let process = Process()
    public let logPath: String

    public init(
        executable: String, stateDirectory: String, socketPath: String? = nil, arguments: [String] = [],
        environment: [String: String] = [:]
    ) throws {
        self.executable = executable
        self.stateDirectory = stateDirectory
        self.socketPath = socketPath ?? stateDirectory + "/intake.sock"
        logPath = stateDirectory + ".log"
        try FileManager.default.createDirectory(atPath: stateDirectory, withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: logPath) { _ = FileManager.default.createFile(atPath: logPath, contents: nil) }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = ["--state-dir", stateDirectory, "--socket", self.socketPath] + arguments
        if !environment.isEmpty { process.environment = ProcessInfo.processInfo.environment.merging(environment) { _, b in b } }
        let log = try FileHandle(forWritingTo: URL(fileURLWithPath: logPath))
        log.seekToEndOfFile()
        process.standardError = log
        process.standardOutput = log
        try? FileManager.default.removeItem(atPath: self.socketPath)
        try process.run()
        // Ready when a connection succeeds.
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if !process.isRunning {
                throw IntakeClient.Failure(description: "mashd exited at start (status \(process.terminationStatus)); see \(logPath)")
            }
            if (try? IntakeClient(socketPath: self.socketPath)) != nil { return }
            usleep(20_000)
        }
        process.terminate()
        throw IntakeClient.Failure(description: "mashd did not listen on \(self.socketPath) within 30 s; see \(logPath)")
    }

    /// The fields of `/proc/PID/stat` after "pid (comm)": the state first. Nil once the
    /// process is gone or `Process` knows it has exited.
    private var statFields: [Substring]? {
        guard process.isRunning,
            let stat = try? String(contentsOfFile: "/proc/\(process.processIdentifier)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")")
        else { return nil }
        return stat[stat.index(after: close)...].split(separator: " ")
    }

    /// The processor time mashd has used so far, user plus system, in seconds, or nil once it
    /// has exited. On a shared machine wall-clock rates vary from run to run; the time the
    /// daemon itself spent varies far less.
    public var cpuSeconds: Double? {
        // utime and stime are fields 14 and 15 of the whole line.
        guard let fields = statFields, fields.count > 13, let user = Double(fields[11]), let system = Double(fields[12])
        else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    /// Whether mashd is still running: an exited one that nobody has reaped yet (a zombie,
    /// state Z) is not, whatever `Process` has noticed so far.
    public var isRunning: Bool {
        guard let state = statFields?.first else { return false }
        return state != "Z" && state != "X"
    }

    /// Sends `signal` and waits for the process to exit; returns its exit status.
    @discardableResult
    public func stop(signal: Int32 = SIGTERM) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, signal) }
        process.waitUntilExit()
        return process.terminationStatus
    }

    deinit {
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
        }
    }
}
