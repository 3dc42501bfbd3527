import ArgumentParser

/// `mashctl`: the operator's and upstream integrator's tool for a running (or stopped) mashd.
@main
struct Mashctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mashctl",
        abstract: "Control, feed and inspect mashd, the London MASH daemon.",
        discussion: """
            mashctl talks to mashd's intake socket (send, bench) or reads its store directly \
            (case). The store may be read while mashd runs.
            """,
        subcommands: [
            SendCommand.self, CaseCommand.self, StatusCommand.self, ReloadCommand.self, ModelCommand.self, ExplainCommand.self,
            GenerateCommand.self, ReplayCommand.self, BenchCommand.self,
            ReportCommand.self,
        ])
}
