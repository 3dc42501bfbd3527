#if canImport(Glibc)
import Glibc
#endif

/// Lowers the CPU priority of the calling thread, once per thread, for work that may wait:
/// filing Green and Amber products must not take the CPU from acknowledging intake or from Red
/// work. On Linux the nice value belongs to the thread, so only the background pool's threads
/// are affected; raising it again would need privileges mashd does not have, so it is never
/// set on a thread that might later run urgent work.
enum BackgroundPriority {
    static let nice: Int32 = 10

    private static let key: pthread_key_t = {
        var k = pthread_key_t()
        pthread_key_create(&k, nil)
        return k
    }()

    static func lowerCurrentThread() {
        #if os(Linux)
        guard pthread_getspecific(key) == nil else { return }
        // who 0 with PRIO_PROCESS is the calling thread on Linux (setpriority(2), BUGS).
        _ = setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, nice)
        pthread_setspecific(key, UnsafeRawPointer(bitPattern: 1))
        #endif
    }
}
