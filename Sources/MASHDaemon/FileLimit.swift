#if canImport(Glibc)
import Glibc
#endif

/// The number of file descriptors mashd may open. Every connection, product file and SQLite
/// reader takes one, and running out stops the work that matters; outside systemd (whose unit
/// sets `LimitNOFILE=`) the soft limit is often 1024 while the hard limit is far higher, so
/// mashd raises the soft limit to the hard one, as a daemon may without privileges.
enum FileLimit {
    /// Raises the soft limit to the hard limit where it is lower, and returns the soft limit.
    static func raise() -> Int {
        var limit = rlimit()
        guard getrlimit(Int32(RLIMIT_NOFILE.rawValue), &limit) == 0 else { return 1024 }
        if limit.rlim_cur < limit.rlim_max {
            var raised = limit
            raised.rlim_cur = limit.rlim_max
            if setrlimit(Int32(RLIMIT_NOFILE.rawValue), &raised) == 0 { limit = raised }
        }
        return limit.rlim_cur > rlim_t(Int32.max) ? Int(Int32.max) : Int(limit.rlim_cur)
    }
}
