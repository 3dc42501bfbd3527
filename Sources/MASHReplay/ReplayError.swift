import Foundation

/// Why a dry run cannot start. A sandbox must be new (absent, or an empty directory): a
/// rehearsal never mixes with, or overwrites, anything already there.
public struct ReplayError: Error, CustomStringConvertible, Sendable {
    private enum Kind: Sendable {
        case notADirectory(String)
        case notEmpty(String, [String])
    }

    private let kind: Kind

    public var description: String {
        switch kind {
        case .notADirectory(let path):
            return "\(path) exists and is not a directory: give replay a new sandbox directory"
        case .notEmpty(let path, let entries):
            let shown = entries.sorted().prefix(3).joined(separator: ", ")
            return "\(path) is not empty (\(shown)\(entries.count > 3 ? ", ..." : "")): give replay a new sandbox directory"
        }
    }

    /// Throws unless `path` is absent or an empty directory.
    static func checkNew(_ path: String) throws {
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) else { return }
        guard isDirectory.boolValue else { throw ReplayError(kind: .notADirectory(path)) }
        let entries = try FileManager.default.contentsOfDirectory(atPath: path)
        if !entries.isEmpty { throw ReplayError(kind: .notEmpty(path, entries)) }
    }
}
