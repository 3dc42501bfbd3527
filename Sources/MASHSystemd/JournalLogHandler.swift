import CSystemd
import Foundation
import Logging

/// A swift-log handler that writes structured journal entries with `sd_journal_sendv`: the
/// message, its priority, a fixed `MESSAGE_ID` per event class, and mashd's own fields
/// (`MASH_CASE_ID`, `MASH_FORMAT`, `MASH_RAG`, `MASH_AGENCY`). Only metadata named in
/// `fields` is written: a log entry never carries a name, a date of birth, an address, an
/// identifier or narrative, because mashd never puts them in metadata and this handler drops
/// any other key.
public struct JournalLogHandler: LogHandler {
    public var metadata: Logger.Metadata = [:]
    public var logLevel: Logger.Level = .info
    let label: String

    public init(label: String) { self.label = label }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    /// Metadata keys and the journal fields they become.
    public static let fields: [String: String] = [
        "case": "MASH_CASE_ID", "format": "MASH_FORMAT", "rag": "MASH_RAG", "agency": "MASH_AGENCY",
        "code": "MASH_ERROR_CODE", "uid": "MASH_PEER_UID", "outcome": "MASH_OUTCOME", "count": "MASH_COUNT",
        "model": "MASH_MODEL", "error": "MASH_ERROR", "socket": "MASH_SOCKET", "line": "MASH_LINE",
        "product": "MASH_PRODUCT_ID", "kind": "MASH_KIND", "queued": "MASH_QUEUED", "researching": "MASH_RESEARCHING",
        "seconds": "MASH_SECONDS", "source": "MASH_SOURCE", "differences": "MASH_DIFFERENCES", "state-dir": "MASH_STATE_DIR",
        "standard": "MASH_STANDARD",
    ]

    public func log(event: LogEvent) {
        var entries: [String] = [
            "MESSAGE=\(event.message)", "PRIORITY=\(Self.priority(event.level))", "SYSLOG_IDENTIFIER=mashd",
        ]
        var all = metadata
        if let extra = event.metadata { all.merge(extra) { _, b in b } }
        for (key, value) in all {
            if key == "event" {
                if let id = MASHEvent(rawValue: "\(value)")?.messageID { entries.append("MESSAGE_ID=\(id)") }
                entries.append("MASH_EVENT=\(value)")
            } else if let field = Self.fields[key] {
                entries.append("\(field)=\(value)")
            }
        }
        Self.send(entries)
    }

    static func send(_ entries: [String]) {
        let cStrings = entries.map { strdup($0)! }
        defer { cStrings.forEach { free($0) } }
        var iov = cStrings.map { iovec(iov_base: UnsafeMutableRawPointer($0), iov_len: strlen($0)) }
        _ = sd_journal_sendv(&iov, Int32(iov.count))
    }

    /// syslog(3) priorities.
    static func priority(_ level: Logger.Level) -> Int {
        switch level {
        case .trace, .debug: return 7
        case .info: return 6
        case .notice: return 5
        case .warning: return 4
        case .error: return 3
        case .critical: return 2
        }
    }
}

/// The classes of event mashd logs, each with its fixed 128-bit journal `MESSAGE_ID`, so an
/// operator can ask `journalctl MESSAGE_ID=...` for every rejection, every decision, and so on.
public enum MASHEvent: String, Sendable, CaseIterable {
    case accepted, rejected, duplicate, decided, dispatched, escalated, reload, recovery

    public var messageID: String {
        switch self {
        case .accepted: return "d59f0c13671c48c69533d20c6e87734a"
        case .rejected: return "526bff36571d4822a78f2cb5940a232e"
        case .duplicate: return "d1700fa1e94948b0b01f4f197577b8c9"
        case .decided: return "51342760b0e243198a445af92fdd00dd"
        case .dispatched: return "2063a53bd3004baa991fa7bb69c898ab"
        case .escalated: return "4f6d3b6cd73d4ac0820b0b7bf1bf7f4f"
        case .reload: return "0591285ba36148fe938ad3892719059e"
        case .recovery: return "e3c730d197894b98b53a1b1d8ef95cf0"
        }
    }
}

/// Chooses where logs go: the journal when stderr is connected to it (`JOURNAL_STREAM`, as
/// systemd sets for a service), plain text on stderr otherwise.
public enum LogDestination {
    public static func bootstrap(level: Logger.Level = .info) {
        let journal = ProcessInfo.processInfo.environment["JOURNAL_STREAM"] != nil
        LoggingSystem.bootstrap { label in
            var h: any LogHandler = journal ? JournalLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            h.logLevel = level
            return h
        }
    }
}
