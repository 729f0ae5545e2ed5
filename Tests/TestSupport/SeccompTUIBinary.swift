import Foundation

/// The built `seccomp-tui` that the tests run: beside the test bundle (`.build/debug` or
/// `.build/release`), or a few directories above it.
public enum SeccompTUIBinary {
    public static let url: URL? = {
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent()
        for _ in 0..<4 {
            let candidate = dir.appendingPathComponent("seccomp-tui")
            var isDir: ObjCBool = false
            if FileManager.default.fileExists(atPath: candidate.path, isDirectory: &isDir), !isDir.boolValue {
                return candidate
            }
            dir = dir.deletingLastPathComponent()
        }
        return nil
    }()

    /// Its path; throws when it was not built.
    public static func path() throws -> String {
        guard let url else { throw CocoaError(.fileNoSuchFile) }
        return url.path
    }
}
