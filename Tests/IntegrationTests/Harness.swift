import Foundation
import MASHClient
import MASHStore
import Testing

/// Finds the built `mashd` and `mashctl` next to the test bundle, makes temporary state
/// directories, and starts real daemons on them: integration tests exercise the binaries a
/// user runs, never a mock of them.
enum Harness {
    static let binDirectory: String = {
        if let dir = ProcessInfo.processInfo.environment["MASHD_BIN_DIR"] { return dir }
        var url = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        // The test bundle is `.build/<config>/mashdPackageTests.xctest` (a file or a directory).
        while url.path != "/" {
            url.deleteLastPathComponent()
            if FileManager.default.isExecutableFile(atPath: url.appendingPathComponent("mashd").path) { return url.path }
        }
        return ".build/debug"
    }()

    static var mashd: String { binDirectory + "/mashd" }
    static var mashctl: String { binDirectory + "/mashctl" }

    /// A fresh directory under the system temporary directory, short enough for socket paths.
    static func temporaryDirectory(_ tag: String) -> String {
        let path = "/tmp/mashd-test-\(tag)-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        return path
    }

    static func start(_ dir: String, arguments: [String] = [], environment: [String: String] = [:]) throws -> DaemonProcess {
        try DaemonProcess(
            executable: mashd, stateDirectory: dir + "/state", socketPath: dir + "/intake.sock", arguments: arguments,
            environment: environment)
    }

    /// Calls `body` with `path` as a Unix socket address, for `bind` and `connect`.
    static func withUnixAddress<T>(_ path: String, _ body: (UnsafePointer<sockaddr>, socklen_t) -> T) -> T {
        var addr = sockaddr_un()
        addr.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &addr.sun_path) { raw in
            let b = Array(path.utf8)
            raw.copyBytes(from: b)
            raw[b.count] = 0
        }
        return withUnsafePointer(to: &addr) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
    }

    /// A blocking Unix stream socket connected to `path`.
    static func connect(_ path: String) throws -> CInt {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        let rc = withUnixAddress(path) { Glibc.connect(fd, $0, $1) }
        guard fd >= 0, rc == 0 else { throw POSIXError(.ECONNREFUSED) }
        return fd
    }

    /// A Unix datagram socket bound at `path`.
    static func bindDatagram(_ path: String) throws -> CInt {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0, withUnixAddress(path, { bind(fd, $0, $1) }) == 0 else {
            throw TestFailure("bind \(path): \(String(cString: strerror(errno)))")
        }
        return fd
    }

    /// Everything `fd` reads until the peer closes.
    static func readToEnd(_ fd: CInt) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            guard n > 0 else { return bytes }
            bytes += chunk[0..<n]
        }
    }

    /// Sends `lines` on one connection and returns the replies.
    static func send(_ lines: [[UInt8]], to socket: String) throws -> [Reply] {
        var replies: [Reply] = []
        try IntakeClient(socketPath: socket).exchange(lines) { replies.append($0) }
        return replies
    }

    static func send(_ lines: [String], to socket: String) throws -> [Reply] {
        try send(lines.map { Array($0.utf8) }, to: socket)
    }

    /// Runs a command and returns its exit status, standard output and standard error. With a
    /// `timeout`, a command still running after it is stopped with SIGTERM: a daemon that
    /// should have refused to start then shows as a wrong exit status, not a hung test.
    @discardableResult
    static func run(_ executable: String, _ arguments: [String], stdin: Data? = nil, timeout: Double? = nil) throws -> (status: Int32, out: String, err: String) {
        let p = Process()
        p.executableURL = URL(fileURLWithPath: executable)
        p.arguments = arguments
        let out = Pipe(), err = Pipe(), input = Pipe()
        p.standardOutput = out
        p.standardError = err
        p.standardInput = input
        try p.run()
        if let timeout {
            DispatchQueue.global().asyncAfter(deadline: .now() + timeout) { if p.isRunning { p.terminate() } }
        }
        if let stdin { input.fileHandleForWriting.write(stdin) }
        try input.fileHandleForWriting.close()
        let o = out.fileHandleForReading.readDataToEndOfFile()
        let e = err.fileHandleForReading.readDataToEndOfFile()
        p.waitUntilExit()
        return (p.terminationStatus, String(decoding: o, as: UTF8.self), String(decoding: e, as: UTF8.self))
    }

    static func counts(_ dir: String) throws -> (cases: Int, research: Int) {
        try CaseStore(readingAt: dir + "/state/mashd.sqlite").counts()
    }

    /// The two examples of formats.md, verbatim.
    static let merlinExample = #"{"format":"merlin/1","merlinRef":"MER-26-114072","borough":"E09000012","createdAt":"2026-11-26T21:14:00Z","trigger":"domestic-incident","referralType":"formal-referral","officerRisk":"high","concerns":["DV","child present"],"ecmOutcomesUnmet":["stay-safe"],"children":[{"surname":"Okafor","forenames":"Amara Grace","dob":"2025-09-03","gender":"F","address":{"line1":"14 Mare Street","town":"London","postcode":"E8 4RP"}}],"adults":[{"surname":"Okafor","forenames":"Chidi","dob":"1991-02-17","relationship":"father","role":"suspect"}],"crisRef":"3012345/26","officer":{"name":"PC J Patel","warrantNumber":"224466","unit":"Hackney ERT"},"circumstances":"Police called by neighbour to verbal and physical argument; infant in the flat."}"#
    static let laExample = #"{"format":"la-referral/1","contactId":"HK-C-0049113","localAuthority":"Hackney","receivedAt":"2026-11-26T09:02:11Z","source":"2A","referrer":{"name":"Ms R Adeyemi","role":"Designated Safeguarding Lead","organisation":"Mandeville Primary School","phone":"020 7000 0000","professional":true},"children":[{"firstName":"Leo","lastName":"Marsh","dob":"2017-04-22","gender":"M","ethnicity":"WBRI","upn":"H801200101013","nhsNumber":"9434765919","school":"Mandeville Primary School","address":{"line1":"3 Glyn Road","town":"London","postcode":"E5 0JD"}}],"householdMembers":[{"name":"Kerry Marsh","relationship":"mother","parentalResponsibility":true}],"concerns":["neglect","parental-substance-misuse"],"description":"Leo arrives hungry most days and has said mum sleeps all day.","consent":{"parentsInformed":true,"consentGiven":true,"givenBy":"mother"}}"#

    /// A valid police line with reference `ref`.
    static func merlin(_ ref: String) -> String {
        merlinExample.replacingOccurrences(of: "MER-26-114072", with: ref)
    }
}
