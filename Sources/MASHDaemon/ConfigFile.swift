import Foundation
import MASHCore
import TOMLKit

/// The settings a `--config` TOML file may give. Every key has an embedded default, so the
/// file may be empty; a key of the wrong type or form, or one mashd does not know, stops the
/// start with a message naming it, because a typo in a safeguarding daemon's settings must not
/// be silently ignored.
public struct ConfigFile: Sendable {
    public var socket: String?
    public var socketMode: mode_t?
    public var maximumLineBytes: Int?
    public var maximumLinesInFlight: Int?
    public var maximumConnections: Int?
    public var maximumBatch: Int?
    public var modelFile: String?
    public var timescales: [RAG: Int64] = [:]
    public var agencies: [Agency]?
    public var workers: Int?
    /// Per format, the users and groups (names or numbers) that may send it.
    public var permissions: [String: (users: [String], groups: [String])] = [:]
    public var logLevel: String?
    /// Metrics: a Unix socket path, or a loopback "host:port", or off.
    public var metricsSocket: String?
    public var metricsListen: (host: String, port: Int)?
    public var metricsEnabled = true

    public init() {}

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
    }

    /// The keys mashd reads, by table.
    static let known: [String: Set<String>] = [
        "intake": ["socket", "socket_mode", "max_line_bytes", "max_lines_in_flight", "max_connections"],
        "store": ["max_batch"],
        "model": ["file"],
        "timescales": ["red", "amber", "green"],
        "agencies": ["names"],
        "process": ["workers"],
        "log": ["level"],
        "metrics": ["socket", "listen", "enabled"],
    ]

    /// The keys a reload applies; the agencies are compared apart, as the list in effect, and
    /// `[permissions]` is reloaded whole. Every other key in `known` is read only at start.
    static let reloadable: Set<String> = ["model.file", "timescales.red", "timescales.amber", "timescales.green", "agencies.names"]

    /// The settings mashd reads only at start (sockets, limits, workers, logging, metrics)
    /// that differ between `self` and `other`, by key. A reload refuses a change to any of
    /// them rather than report success and run on without it.
    public func startOnlyDifferences(from other: ConfigFile) -> [String] {
        var keys: [String] = []
        func check<T: Equatable>(_ key: String, _ a: T, _ b: T) { if a != b { keys.append(key) } }
        check("intake.socket", socket, other.socket)
        check("intake.socket_mode", socketMode, other.socketMode)
        check("intake.max_line_bytes", maximumLineBytes, other.maximumLineBytes)
        check("intake.max_lines_in_flight", maximumLinesInFlight, other.maximumLinesInFlight)
        check("intake.max_connections", maximumConnections, other.maximumConnections)
        check("store.max_batch", maximumBatch, other.maximumBatch)
        check("process.workers", workers, other.workers)
        check("log.level", logLevel, other.logLevel)
        check("metrics.socket", metricsSocket, other.metricsSocket)
        check("metrics.listen", metricsListen.map { "\($0.host):\($0.port)" }, other.metricsListen.map { "\($0.host):\($0.port)" })
        check("metrics.enabled", metricsEnabled, other.metricsEnabled)
        return keys
    }

    public static func load(path: String) throws(Failure) -> ConfigFile {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw Failure(description: "config \(path): cannot be read (\(String(cString: strerror(errno))))")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw Failure(description: "config \(path): not valid UTF-8")
        }
        return try parse(text, source: path)
    }

    public static func parse(_ text: String, source: String) throws(Failure) -> ConfigFile {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: text)
        } catch let e as TOMLParseError {
            throw Failure(description: "config \(source):\(e.source.begin.line): \(e.description)")
        } catch {
            throw Failure(description: "config \(source): \(error)")
        }
        func fail(_ key: String, _ message: String) -> Failure { Failure(description: "config \(source): \(key): \(message)") }

        var c = ConfigFile()
        for tableName in root.keys where tableName != "permissions" {
            guard let keys = known[tableName] else {
                throw fail("[\(tableName)]", "unknown table (known: \((known.keys.sorted() + ["permissions"]).joined(separator: ", ")))")
            }
            guard let table = root[tableName]?.table else { throw fail(tableName, "must be a table, [\(tableName)]") }
            for key in table.keys where !keys.contains(key) {
                throw fail("\(tableName).\(key)", "unknown key (known in [\(tableName)]: \(keys.sorted().joined(separator: ", ")))")
            }
        }
        func string(_ t: String, _ k: String) throws(Failure) -> String? {
            guard let v = root[t]?.table?[k] else { return nil }
            guard let s = v.string else { throw fail("\(t).\(k)", "must be a string") }
            return s
        }
        func int(_ t: String, _ k: String, _ range: ClosedRange<Int>) throws(Failure) -> Int? {
            guard let v = root[t]?.table?[k] else { return nil }
            guard v.type == .int, let n = v.int, range.contains(n) else {
                throw fail("\(t).\(k)", "must be a whole number from \(range.lowerBound) to \(range.upperBound)")
            }
            return n
        }

        func path(_ t: String, _ k: String) throws(Failure) -> String? {
            guard let p = try string(t, k) else { return nil }
            guard !p.isEmpty else { throw fail("\(t).\(k)", "must be a socket path, not empty") }
            return p
        }
        c.socket = try path("intake", "socket")
        if let mode = try string("intake", "socket_mode") {
            guard let m = mode_t(mode, radix: 8), m <= 0o777 else {
                throw fail("intake.socket_mode", "must be an octal mode in a string, such as \"0660\"")
            }
            c.socketMode = m
        }
        c.maximumLineBytes = try int("intake", "max_line_bytes", 1024...(64 << 20))
        c.maximumLinesInFlight = try int("intake", "max_lines_in_flight", 1...1_000_000)
        c.maximumConnections = try int("intake", "max_connections", 1...1_000_000)
        c.maximumBatch = try int("store", "max_batch", 1...100_000)
        c.modelFile = try string("model", "file")
        c.workers = try int("process", "workers", 1...256)
        if let level = try string("log", "level") {
            guard ["trace", "debug", "info", "notice", "warning", "error", "critical"].contains(level) else {
                throw fail("log.level", "must be one of trace, debug, info, notice, warning, error, critical")
            }
            c.logLevel = level
        }
        c.metricsSocket = try path("metrics", "socket")
        if let listen = try string("metrics", "listen") {
            // host:port, the host 127.x.x.x, localhost or [::1].
            let colon = listen.lastIndex(of: ":")
            var host = colon.map { String(listen[..<$0]) } ?? ""
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            let octets = host.split(separator: ".", omittingEmptySubsequences: false)
            let loopback = host == "localhost" || host == "::1"
                || (octets.count == 4 && octets[0] == "127" && octets.allSatisfy { UInt8($0) != nil })
            guard let colon, let port = Int(listen[listen.index(after: colon)...]), (1...65535).contains(port), loopback else {
                throw fail("metrics.listen", "must be a loopback address and port, such as \"127.0.0.1:9464\" or \"[::1]:9464\"")
            }
            c.metricsListen = (host, port)
        }
        if let v = root["metrics"]?.table?["enabled"] {
            guard let b = v.bool else { throw fail("metrics.enabled", "must be true or false") }
            c.metricsEnabled = b
        }
        if let p = root["permissions"] {
            guard let table = p.table else { throw fail("permissions", "must be a table, [permissions]") }
            for format in table.keys {
                let at = "permissions.\"\(format)\""
                guard let rule = table[format]?.table else {
                    throw fail(at, "must be a table such as { users = [\"police-feed\"], groups = [\"mash-intake\"] }")
                }
                var users: [String] = [], groups: [String] = []
                for key in rule.keys {
                    guard key == "users" || key == "groups" else { throw fail("\(at).\(key)", "unknown key (known: groups, users)") }
                    guard let array = rule[key]?.array else { throw fail("\(at).\(key)", "must be an array of names or numbers") }
                    for item in array {
                        let value: String
                        if let s = item.string, !s.isEmpty {
                            value = s
                        } else if item.type == .int, let n = item.int, n >= 0 {
                            value = "\(n)"
                        } else {
                            throw fail("\(at).\(key)", "must be an array of names or numbers")
                        }
                        if key == "users" { users.append(value) } else { groups.append(value) }
                    }
                }
                c.permissions[format] = (users, groups)
            }
        }
        for rag in [RAG.red, .amber, .green] {
            guard let text = try string("timescales", rag.rawValue) else { continue }
            guard let seconds = Timescale.seconds(text) else {
                throw fail("timescales.\(rag.rawValue)", "must be a whole number above 0 and a unit s, m, h or d, such as \"4h\"")
            }
            c.timescales[rag] = seconds
        }
        if let v = root["agencies"]?.table?["names"] {
            guard let array = v.array else { throw fail("agencies.names", "must be an array of strings") }
            var names: [Agency] = []
            for item in array {
                guard let s = item.string, !s.isEmpty, s.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") })
                else {
                    throw fail("agencies.names", "must be an array of names made of letters, digits and '-'")
                }
                guard !names.contains(Agency(s)) else { throw fail("agencies.names", "lists \"\(s)\" twice") }
                names.append(Agency(s))
            }
            c.agencies = names
        }
        return c
    }
}
