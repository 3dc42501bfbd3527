import Foundation
import NIOConcurrencyHelpers
import NIOCore

/// Who is on the other end of an intake connection, from `SO_PEERCRED` (and `SO_PEERGROUPS`
/// for supplementary groups), read once at accept.
public struct PeerCredentials: Sendable, Hashable {
    public var uid: uid_t
    public var gid: gid_t
    public var groups: Set<gid_t>
    public var pid: pid_t

    public init(uid: uid_t, gid: gid_t, groups: Set<gid_t> = [], pid: pid_t = 0) {
        self.uid = uid
        self.gid = gid
        self.groups = groups
        self.pid = pid
    }

    /// Reads the credentials of a connected Unix socket channel.
    static func of(_ channel: any Channel) -> EventLoopFuture<PeerCredentials?> {
        guard let provider = channel as? any SocketOptionProvider else { return channel.eventLoop.makeSucceededFuture(nil) }
        let creds: EventLoopFuture<PeerCred> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(Self.soPeerCred))
        let groups: EventLoopFuture<PeerGroups> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(Self.soPeerGroups))
        return creds.and(groups.map(Optional.some).recover { _ in nil }).map { c, g in
            var set = Set(g?.gids ?? [])
            set.insert(c.gid)
            return PeerCredentials(uid: c.uid, gid: c.gid, groups: set, pid: c.pid)
        }.recover { _ in nil }
    }

    /// `SO_PEERCRED` and `SO_PEERGROUPS` (Linux 4.13), which Swift's Glibc does not name.
    static let soPeerCred: CInt = 17
    static let soPeerGroups: CInt = 59
}

/// `struct ucred`, which Swift's Glibc does not expose.
struct PeerCred: Sendable {
    var pid: pid_t = 0
    var uid: uid_t = 0
    var gid: gid_t = 0
}

/// Room for 64 supplementary groups; getsockopt zero-fills what it does not use.
struct PeerGroups: Sendable {
    var storage: (UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64,
        UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64, UInt64) = (
            0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0
        )

    /// The non-zero group ids (gid 0 cannot be told from padding, and is never needed here:
    /// the root group is checked through the primary gid).
    var gids: [gid_t] {
        withUnsafeBytes(of: storage) { raw in raw.bindMemory(to: gid_t.self).filter { $0 != 0 } }
    }
}

/// Which peers may send which formats. A format with no rule may be sent by anyone who can
/// connect (the socket's mode and group decide that); a format with a rule only by its users
/// and members of its groups.
public struct IntakePermissions: Sendable, Equatable {
    public struct Rule: Sendable, Equatable {
        public var uids: Set<uid_t>
        public var gids: Set<gid_t>

        public init(uids: Set<uid_t>, gids: Set<gid_t>) {
            self.uids = uids
            self.gids = gids
        }
    }

    public var rules: [String: Rule]

    public init(rules: [String: Rule] = [:]) { self.rules = rules }

    public func allows(_ format: String, _ peer: PeerCredentials?) -> Bool {
        guard let rule = rules[format] else { return true }
        guard let peer else { return false }
        return rule.uids.contains(peer.uid) || !rule.gids.isDisjoint(with: peer.groups)
    }
}

/// The permissions in force, replaced whole on reload.
public final class PermissionsBox: Sendable {
    private let box: NIOLockedValueBox<IntakePermissions>
    public init(_ p: IntakePermissions) { box = NIOLockedValueBox(p) }
    public var value: IntakePermissions {
        get { box.withLockedValue { $0 } }
        set { box.withLockedValue { $0 = newValue } }
    }
}
