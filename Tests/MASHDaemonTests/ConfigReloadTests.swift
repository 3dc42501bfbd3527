import Testing

@testable import MASHDaemon

/// A reload must refuse, by name, a change to any setting it does not apply. The list of such
/// settings is written by hand in `ConfigFile.startOnlyDifferences`; this keeps it complete:
/// a key added to the config without deciding whether a reload may change it fails here.
@Suite struct ConfigReloadTests {
    /// A value other than the default for every key read only at start.
    static let changed: [String: String] = [
        "intake.socket": "\"/tmp/other.sock\"",
        "intake.socket_mode": "\"0600\"",
        "intake.max_line_bytes": "2048",
        "intake.max_lines_in_flight": "10",
        "intake.max_connections": "10",
        "store.max_batch": "10",
        "process.workers": "1",
        "log.level": "\"debug\"",
        "metrics.socket": "\"/tmp/other-metrics.sock\"",
        "metrics.listen": "\"127.0.0.1:9999\"",
        "metrics.enabled": "false",
    ]

    @Test("every key is either applied by a reload or compared as start-only")
    func everyKeyIsDecided() {
        let all = Set(ConfigFile.known.flatMap { table, keys in keys.map { "\(table).\($0)" } })
        #expect(all.subtracting(ConfigFile.reloadable) == Set(Self.changed.keys))
    }

    @Test("a change to a start-only key is named", arguments: changed.keys.sorted())
    func startOnlyKeyIsNamed(key: String) throws {
        let (table, name) = (key.split(separator: ".")[0], key.split(separator: ".")[1])
        let edited = try ConfigFile.parse("[\(table)]\n\(name) = \(Self.changed[key]!)\n", source: "test")
        #expect(edited.startOnlyDifferences(from: ConfigFile()) == [key])
        #expect(ConfigFile().startOnlyDifferences(from: edited) == [key])
    }

    @Test("reloadable keys are not start-only")
    func reloadableKeysPass() throws {
        let edited = try ConfigFile.parse("[timescales]\nred = \"1h\"\n[model]\nfile = \"/tmp/m.json\"\n", source: "test")
        #expect(edited.startOnlyDifferences(from: ConfigFile()).isEmpty)
    }
}
