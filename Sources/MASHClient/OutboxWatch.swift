import Foundation

/// Watches outbox `new/` directories with inotify and notes when each file first appears,
/// to measure how long a case waits for its first product from outside the daemon.
public final class OutboxWatch: @unchecked Sendable {
    private let fd: CInt
    private var directories: [CInt: String] = [:]
    private let lock = NSLock()
    private var seen: [String: Date] = [:]
    private var running = true
    private let done = DispatchSemaphore(value: 0)

    public init(directories paths: [String]) throws {
        fd = inotify_init1(Int32(IN_CLOEXEC))
        guard fd >= 0 else { throw IntakeClient.Failure(description: "inotify_init1: \(String(cString: strerror(errno)))") }
        for p in paths {
            let wd = inotify_add_watch(fd, p, UInt32(IN_MOVED_TO | IN_CREATE))
            guard wd >= 0 else { throw IntakeClient.Failure(description: "inotify_add_watch \(p): \(String(cString: strerror(errno)))") }
            directories[wd] = p
        }
        Thread.detachNewThread { [self] in
            var buffer = [UInt8](repeating: 0, count: 1 << 16)
            while lock.withLock({ running }) {
                var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
                guard poll(&pfd, 1, 100) > 0 else { continue }
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                guard n > 0 else { continue }
                let now = Date()
                var offset = 0
                lock.withLock {
                    while offset < n {
                        buffer.withUnsafeBytes { raw in
                            let event = raw.loadUnaligned(fromByteOffset: offset, as: inotify_event.self)
                            let nameStart = offset + MemoryLayout<inotify_event>.size
                            let nameBytes = raw[nameStart..<(nameStart + Int(event.len))].prefix { $0 != 0 }
                            let name = String(decoding: nameBytes, as: UTF8.self)
                            if seen[name] == nil { seen[name] = now }
                            offset = nameStart + Int(event.len)
                        }
                    }
                }
            }
            done.signal()
        }
    }

    /// When a file of this name first appeared in any watched directory.
    public func firstSeen(_ name: String) -> Date? { lock.withLock { seen[name] } }

    /// The first appearance of any file whose name starts with `prefix`.
    public func firstSeen(prefix: String) -> Date? {
        lock.withLock { seen.filter { $0.key.hasPrefix(prefix) }.values.min() }
    }

    public func stop() {
        lock.withLock { running = false }
        done.wait()
        close(fd)
    }
}
