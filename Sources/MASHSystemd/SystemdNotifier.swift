import CSystemd
import Foundation

/// The service manager's notification socket (`sd_notify`): READY, STATUS, RELOADING,
/// STOPPING and WATCHDOG. Outside systemd (`NOTIFY_SOCKET` unset) every call does nothing, so
/// mashd runs the same by hand and under a unit.
public struct SystemdNotifier: Sendable {
    public init() {}

    /// True when a service manager listens.
    public var isActive: Bool { ProcessInfo.processInfo.environment["NOTIFY_SOCKET"] != nil }

    @discardableResult
    public func notify(_ state: String) -> Bool {
        guard isActive else { return false }
        return sd_notify(0, state) > 0
    }

    /// Startup and reload are complete; `status` is the line `systemctl status` shows.
    public func ready(status: String) { notify("READY=1\nSTATUS=\(Self.clean(status))") }

    public func status(_ line: String) { notify("STATUS=\(Self.clean(line))") }

    /// A reload begins. `MONOTONIC_USEC` lets `Type=notify-reload` (systemd 253 and later)
    /// tell this reload from an earlier one.
    public func reloading() { notify("RELOADING=1\nMONOTONIC_USEC=\(Self.monotonicMicroseconds())") }

    public func stopping() { notify("STOPPING=1") }

    public func watchdog() { notify("WATCHDOG=1") }

    /// The watchdog interval the unit asked for (`WatchdogSec=`), if any.
    public var watchdogInterval: Duration? {
        var usec: UInt64 = 0
        guard sd_watchdog_enabled(0, &usec) > 0, usec > 0 else { return nil }
        return .microseconds(Int64(usec))
    }

    static func monotonicMicroseconds() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000 + UInt64(ts.tv_nsec) / 1000
    }

    /// One line, as a STATUS value must be.
    static func clean(_ s: String) -> String { s.replacingOccurrences(of: "\n", with: " ") }
}

/// Listening sockets handed over by socket activation (`sd_listen_fds_with_names`).
public enum ActivatedSockets {
    public struct Socket: Sendable {
        public var descriptor: CInt
        /// `FileDescriptorName=` of the socket unit (`intake`, `merlin`, `la-referral`, ...).
        public var name: String
    }

    /// The descriptors passed to this process, or none outside socket activation. The
    /// environment variables are unset so children do not inherit them.
    public static func take() -> [Socket] {
        var names: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = nil
        let n = sd_listen_fds_with_names(1, &names)
        guard n > 0 else { return [] }
        defer {
            if let names {
                for i in 0..<Int(n) { free(names[i]) }
                free(names)
            }
        }
        return (0..<Int(n)).map { i in
            let name = names?[i].map { String(cString: $0) } ?? "unknown"
            return Socket(descriptor: SD_LISTEN_FDS_START + CInt(i), name: name)
        }
    }
}
