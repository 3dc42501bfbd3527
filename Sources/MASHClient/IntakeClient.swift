import CMASHSys
import Foundation
import MASHWire

/// A client of the intake socket, for `mashctl send`, the benchmark and the tests: it writes
/// lines as fast as the daemon reads them, reads replies as they come, and shuts down its
/// writing side at the end, as `socat` and other pipelines do.
public final class IntakeClient {
    public let socketPath: String
    let fd: CInt

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
        public init(description: String) { self.description = description }
    }

    public init(socketPath: String) throws(Failure) {
        self.socketPath = socketPath
        // The descriptor is stored only once connected: a class whose stored properties are
        // all set runs its deinit when init throws, and that would close it a second time,
        // closing whatever another thread had opened under the same number meanwhile (it once
        // broke a test's log file and its store).
        fd = try Self.connect(socketPath)
    }

    private static func connect(_ socketPath: String) throws(Failure) -> CInt {
        let fd = mashd_unix_connect(socketPath, 0)
        guard fd >= 0 else {
            if errno == ENAMETOOLONG { throw Failure(description: "socket path too long: \(socketPath)") }
            throw Failure(description: "cannot connect to \(socketPath): \(String(cString: strerror(errno))) (is mashd running?)")
        }
        return fd
    }

    deinit { close(fd) }

    /// Writes `lines` (each without its newline) on a second thread while this one reads
    /// replies, calling `onReply` for each reply line in order. Returns when the daemon has
    /// closed the connection. Throws only when writing fails before every line was sent.
    public func exchange(_ lines: some Sequence<[UInt8]> & Sendable, onReply: (Reply) -> Void) throws(Failure) {
        try exchange(lines, live: nil, onReply: onReply)
    }

    /// As above, for lines fed while the exchange runs: each is sent as soon as nothing else is
    /// waiting, instead of when a full buffer has gathered.
    public func exchange(_ lines: LineQueue, onReply: (Reply) -> Void) throws(Failure) {
        try exchange(lines, live: lines, onReply: onReply)
    }

    // `live` is passed, not found by `lines as? LineQueue`: on Linux that cast bridges an array
    // through Foundation, boxing every byte (it once took half the benchmark client's time).
    private func exchange(
        _ lines: some Sequence<[UInt8]> & Sendable, live: LineQueue?, onReply: (Reply) -> Void
    ) throws(Failure) {
        let fd = self.fd
        let writeError = LockedBox<String?>(nil)
        // The writer has a thread of its own: on a global queue it could wait for a free
        // thread while this one blocks reading replies that never come.
        let done = ClientThreads.start {
            var buffer: [UInt8] = []
            buffer.reserveCapacity(1 << 16)
            func drain() -> Bool {
                var off = 0
                while off < buffer.count {
                    let n = buffer[off...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                    if n < 0 {
                        if errno == EINTR { continue }
                        writeError.value = String(cString: strerror(errno))
                        return false
                    }
                    off += n
                }
                buffer.removeAll(keepingCapacity: true)
                return true
            }
            for line in lines {
                buffer.append(contentsOf: line)
                buffer.append(0x0A)
                if buffer.count >= 1 << 16 || live?.isEmptyNow == true, !drain() { return }
            }
            if drain() { shutdown(fd, Int32(SHUT_WR)) }
        }
        var pending: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                break
            }
            if n == 0 { break }
            pending.append(contentsOf: chunk[0..<n])
            var start = 0
            while let nl = pending[start...].firstIndex(of: 0x0A) {
                onReply(Reply(Array(pending[start..<nl])))
                start = nl + 1
            }
            pending.removeFirst(start)
        }
        done.wait()
        if let e = writeError.value { throw Failure(description: "writing to \(socketPath): \(e)") }
    }
}

/// One reply line, read back.
public struct Reply: Sendable {
    public let text: String
    public let ok: Bool
    public let line: Int
    public let id: String?
    public let ref: String?
    public let rag: String?
    public let duplicate: Bool
    public let errorCode: String?
    public let errorMessage: String?
    public let errorField: String?
    public let warnings: [String]

    init(_ bytes: [UInt8]) {
        text = String(decoding: bytes, as: UTF8.self)
        var o = JSONObject()
        if case .object(let obj)? = try? JSONParser.parse(bytes) { o = obj }
        func str(_ v: JSONValue?) -> String? { if case .string(let s)? = v { return s } else { return nil } }
        ok = o["ok"] == .bool(true)
        if case .number(let n)? = o["line"] { line = Int(n) ?? 0 } else { line = 0 }
        id = str(o["id"])
        ref = str(o["ref"])
        rag = str(o["rag"])
        duplicate = o["duplicate"] == .bool(true)
        if case .object(let e)? = o["error"] {
            errorCode = str(e["code"])
            errorMessage = str(e["message"])
            errorField = str(e["field"])
        } else {
            errorCode = nil
            errorMessage = nil
            errorField = nil
        }
        if case .array(let ws)? = o["warnings"] {
            warnings = ws.compactMap { if case .object(let w) = $0 { return str(w["code"]) } else { return nil } }
        } else {
            warnings = []
        }
    }
}

/// A value shared between the reader and writer threads.
final class LockedBox<T>: @unchecked Sendable {
    private let lock = NSLock()
    private var _value: T
    init(_ v: T) { _value = v }
    var value: T {
        get { lock.withLock { _value } }
        set { lock.withLock { _value = newValue } }
    }
}
