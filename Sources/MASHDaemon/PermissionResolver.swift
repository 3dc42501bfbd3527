import Foundation
import MASHAdapters
import MASHIntake

/// Turns the config's `[permissions]` (user and group names or numbers) into the ids the
/// intake compares with a peer's credentials, at start and on reload, so a name that does not
/// exist stops the start (or is refused on reload) instead of locking a feed out silently.
enum PermissionResolver {
    static func resolve(_ config: ConfigFile) throws(StartupError) -> IntakePermissions {
        var rules: [String: IntakePermissions.Rule] = [:]
        for (format, who) in config.permissions {
            guard Adapters.formats.contains(format) else {
                throw StartupError(
                    "config: permissions.\"\(format)\": not a format mashd reads (\(Adapters.formats.sorted().joined(separator: ", ")))",
                    exitCode: StartupError.config)
            }
            var uids = Set<uid_t>(), gids = Set<gid_t>()
            for user in who.users {
                if let n = uid_t(user) {
                    uids.insert(n)
                } else if let pw = getpwnam(user) {
                    uids.insert(pw.pointee.pw_uid)
                } else {
                    throw StartupError("config: permissions.\"\(format)\".users: no user \"\(user)\" on this system", exitCode: StartupError.config)
                }
            }
            for group in who.groups {
                if let n = gid_t(group) {
                    gids.insert(n)
                } else if let gr = getgrnam(group) {
                    gids.insert(gr.pointee.gr_gid)
                } else {
                    throw StartupError("config: permissions.\"\(format)\".groups: no group \"\(group)\" on this system", exitCode: StartupError.config)
                }
            }
            rules[format] = .init(uids: uids, gids: gids)
        }
        return IntakePermissions(rules: rules)
    }
}
