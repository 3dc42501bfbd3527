import Foundation
import MASHCore

/// The daemon's state directory: the store, the lock that keeps a second mashd out, and the
/// agency outboxes. Created on first start; a second start on the same directory fails with
/// a message naming the running process.
public final class StateDirectory: Sendable {
    public let path: String
    private let lockDescriptor: CInt

    public var storePath: String { path + "/mashd.sqlite" }
    public var outboxPath: String { path + "/outbox" }
    public func outbox(_ agency: Agency) -> String { outboxPath + "/" + agency.name }

    public struct Failure: Error, CustomStringConvertible, Sendable {
        public let description: String
        /// The state directory is held by another process.
        public let inUse: Bool
    }

    /// Creates the directory and its outboxes and takes the lock.
    public init(path: String, agencies: [Agency]) throws(Failure) {
        self.path = path
        func make(_ p: String) throws(Failure) {
            do {
                try FileManager.default.createDirectory(atPath: p, withIntermediateDirectories: true)
            } catch {
                throw Failure(description: "cannot create \(p): \(error.localizedDescription)", inUse: false)
            }
        }
        try make(path)
        let lockPath = path + "/mashd.lock"
        let fd = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o640)
        guard fd >= 0 else {
            throw Failure(description: "cannot open \(lockPath): \(String(cString: strerror(errno)))", inUse: false)
        }
        if flock(fd, LOCK_EX | LOCK_NB) != 0 {
            let holder = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
            close(fd)
            throw Failure(
                description: "the state directory \(path) is in use by another mashd"
                    + (holder.map { $0.isEmpty ? "" : " (pid \($0))" } ?? "") + "; stop it first, or give another --state-dir",
                inUse: true)
        }
        let pid = "\(getpid())\n"
        _ = ftruncate(fd, 0)
        _ = pid.withCString { pwrite(fd, $0, strlen($0), 0) }
        lockDescriptor = fd
        for agency in agencies {
            for sub in ["tmp", "new", "cur"] { try make(outbox(agency) + "/" + sub) }
        }
    }

    deinit { close(lockDescriptor) }

    /// The pid in `path`'s lock file when a mashd holds the lock, else nil (also when it
    /// cannot be told): how a tool tells a stopped mashd from one it cannot reach. It looks the
    /// lock up in /proc/locks rather than trying it, so a mashd starting at that moment never
    /// finds the lock taken by the probe.
    public static func holder(of path: String) -> String? {
        let lockPath = path + "/mashd.lock"
        var info = stat()
        guard stat(lockPath, &info) == 0, let locks = try? String(contentsOfFile: "/proc/locks", encoding: .utf8) else { return nil }
        // "1: FLOCK  ADVISORY  WRITE 1234 fd:00:5678 0 EOF": the device as hex major:minor.
        let dev = UInt64(info.st_dev)
        let major = ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff))
        let minor = (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff))
        let device = String(format: "%02llx:%02llx:%llu", major, minor, UInt64(info.st_ino))
        let held = locks.split(separator: "\n").contains { line in
            let f = line.split(separator: " ", omittingEmptySubsequences: true)
            return f.count >= 6 && f[1] == "FLOCK" && f[5] == device
        }
        guard held else { return nil }
        let pid = (try? String(contentsOfFile: lockPath, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) ?? ""
        return pid.isEmpty ? "?" : pid
    }
}
