import CMASHSys
#if canImport(Glibc)
import Glibc
#endif

/// Makes a Unix socket path ready to bind, without taking it from anybody. Binding over an
/// existing path needs the old file gone; removing it blindly would let a second mashd (or a
/// mistyped `--socket`) silently take a live daemon's socket, leaving that daemon running and
/// unreachable. So a path that a process is listening on is refused, a leftover from a daemon
/// that died is removed, and anything that is not a socket is left alone and refused.
public enum SocketPath {
    /// Why a path cannot be claimed.
    public struct Failure: Error, CustomStringConvertible, Sendable {
        private enum Kind: Sendable { case inUse, unusable }
        private let kind: Kind
        public let description: String
        /// Another process listens there: try again once it has stopped.
        public var inUse: Bool { kind == .inUse }

        fileprivate static func inUse(_ s: String) -> Failure { Failure(kind: .inUse, description: s) }
        fileprivate static func unusable(_ s: String) -> Failure { Failure(kind: .unusable, description: s) }
    }

    /// Checks `path` (what `--socket` or the config named, under `role`) and removes a stale
    /// socket there.
    public static func claim(_ path: String, role: String) throws(Failure) {
        var st = stat()
        if lstat(path, &st) != 0 {
            guard errno == ENOENT else { throw .unusable("cannot use \(path) as the \(role) socket: \(String(cString: strerror(errno)))") }
            let directory = path.contains("/") ? String(path[..<path.lastIndex(of: "/")!]) : "."
            var dst = stat()
            guard stat(directory.isEmpty ? "/" : directory, &dst) == 0, (dst.st_mode & S_IFMT) == S_IFDIR else {
                throw .unusable("cannot create the \(role) socket \(path): its directory \(directory) does not exist")
            }
            return
        }
        guard (st.st_mode & S_IFMT) == S_IFSOCK else {
            throw .unusable("\(path) exists and is not a socket; mashd will not replace it. Remove it or give another path for the \(role) socket")
        }
        switch probe(path) {
        case .listening:
            throw .inUse("another process is listening on \(path) (the \(role) socket): is another mashd running with it? Stop it, or give another path")
        case .other(let error):
            // A datagram socket (EPROTOTYPE), one mashd may not connect to (EACCES), ...:
            // somebody's, and not a left-over mashd may remove.
            throw .unusable("\(path) is a socket mashd cannot take as the \(role) socket (\(String(cString: strerror(error)))); give another path")
        case .stale:
            break
        }
        guard unlink(path) == 0 || errno == ENOENT else {
            throw .unusable("cannot remove the stale socket \(path): \(String(cString: strerror(errno)))")
        }
    }

    enum Probe: Equatable { case listening, stale, other(Int32) }

    /// What is behind the socket file at `path`. Only a refused connect means a file with
    /// nobody behind it; one that would block is a listener whose backlog is full, very much
    /// alive; any other failure is a socket that is not a left-over stream socket.
    static func probe(_ path: String) -> Probe {
        let fd = mashd_unix_connect(path, Int32(SOCK_NONBLOCK.rawValue))
        if fd >= 0 {
            close(fd)
            return .listening
        }
        if errno == EAGAIN || errno == EINPROGRESS { return .listening }
        return errno == ECONNREFUSED ? .stale : .other(errno)
    }
}
