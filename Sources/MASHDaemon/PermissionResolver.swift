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
            let uids = try ids(who.users, "user", format, numeric: { uid_t($0) }, named: { getpwnam($0)?.pointee.pw_uid })
            let gids = try ids(who.groups, "group", format, numeric: { gid_t($0) }, named: { getgrnam($0)?.pointee.gr_gid })
            rules[format] = .init(uids: uids, gids: gids)
        }
        return IntakePermissions(rules: rules)
    }

    /// Each name as a number, or looked up by name; an unknown name stops the start.
    private static func ids<ID: Hashable>(
        _ names: [String], _ what: String, _ format: String, numeric: (String) -> ID?, named: (String) -> ID?
    ) throws(StartupError) -> Set<ID> {
        var out = Set<ID>()
        for name in names {
            guard let id = numeric(name) ?? named(name) else {
                throw StartupError("config: permissions.\"\(format)\".\(what)s: no \(what) \"\(name)\" on this system", exitCode: StartupError.config)
            }
            out.insert(id)
        }
        return out
    }
}
