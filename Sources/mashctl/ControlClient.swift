import Foundation
import MASHClient
import MASHDaemon

/// Finds mashd's control and status sockets and asks one question.
enum ControlClient {
    /// The first existing socket named `name` among: `$RUNTIME_DIRECTORY`, the state directory
    /// given, /run/mashd-control (the unit's), `$STATE_DIRECTORY`, /var/lib/mashd.
    static func locate(_ name: String, socket: String?, stateDir: String?) -> String {
        if let socket { return socket }
        let env = ProcessInfo.processInfo.environment
        let candidates = [
            env["RUNTIME_DIRECTORY"]?.split(separator: ":").first.map(String.init), stateDir, "/run/mashd-control",
            env["STATE_DIRECTORY"]?.split(separator: ":").first.map(String.init), DaemonOptions.defaultStateDirectory,
        ].compactMap { $0 }
        return candidates.map { $0 + "/" + name }.first { FileManager.default.fileExists(atPath: $0) }
            ?? (candidates.first ?? "/run/mashd-control") + "/" + name
    }

    /// Sends one command and returns the reply as a JSON object.
    static func ask(_ command: String, at path: String) throws -> [String: Any] {
        var replies: [Reply] = []
        try IntakeClient(socketPath: path).exchange([Array(command.utf8)]) { replies.append($0) }
        guard let text = replies.first?.text,
            let object = try? JSONSerialization.jsonObject(with: Data(text.utf8)) as? [String: Any]
        else { throw IntakeClient.Failure(description: "no answer from \(path)") }
        return object
    }
}
