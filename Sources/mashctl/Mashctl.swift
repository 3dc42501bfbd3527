import ArgumentParser

/// `mashctl`: the operator's and upstream integrator's tool for a running (or stopped) mashd.
@main
struct Mashctl: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "mashctl",
        abstract: "Control, feed and inspect mashd, the London MASH daemon.",
        discussion: """
            Feeding: send writes NDJSON lines to mashd's intake socket and reports the replies; \
            bench measures it. Operating: status and reload use mashd's control sockets (status \
            falls back to the store when mashd is down); case reads one case from the store, which \
            may be read while mashd runs. Evaluating and training: report reads a live store or a \
            replay sandbox; replay rehearses the process on a history in simulated time; explain \
            screens lines without storing them; generate makes synthetic notifications; model \
            prints or checks a model file. Each subcommand's --help gives its options and exit \
            status.
            """,
        subcommands: [
            SendCommand.self, CaseCommand.self, StatusCommand.self, ReloadCommand.self, ModelCommand.self, ExplainCommand.self,
            GenerateCommand.self, ReplayCommand.self, BenchCommand.self,
            ReportCommand.self,
        ])
}
