import Foundation
import PolicyModel
import Testing
import TraceCapture
import TUI
import TestSupport

/// `record --backend perf|auto`: backend selection, lost events in the profile and the summary,
/// and the error an unprivileged user gets.
@Suite(.serialized, .requiresRoot, .requires(TraceBackends.perfUnavailableReason())) struct RecordPerfBackendTests {
    static let getppidLoop = """
        #include <stdlib.h>
        #include <sys/syscall.h>
        #include <unistd.h>
        int main(int argc, char **argv) {
            long n = atol(argv[1]);
            for (long i = 0; i < n; i++) syscall(SYS_getppid);
            return argc > 2 ? atoi(argv[2]) : 0;
        }
        """

    /// A world-readable scratch directory (the unprivileged runs use it too).
    static func scratch() throws -> String {
        let dir = TestScratch.root.path + "/record-perf-\(UUID().uuidString)"
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o777])
        return dir
    }

    static func getppidProgram() throws -> String {
        try ProcessRunner.compileC(getppidLoop, name: "getppid", flags: ["-O2"])
    }

    static let nobody = ["/usr/bin/setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]

    @Test("as root, auto resolves to perf, and each kind makes its backend")
    func selection() throws {
        #expect(TraceBackends.resolve(.auto) == .perf)
        #expect(try TraceBackends.make(kind: .auto).name == "perf")
        #expect(try TraceBackends.make(kind: .perf).name == "perf")
        #expect(try TraceBackends.make(kind: .ptrace).name == "ptrace")
    }

    @Test("record --backend perf counts exactly, keeps the exit status and names the backend in the profile")
    func recordPerf() throws {
        let exe = try Self.getppidProgram()
        let out = try Self.scratch() + "/p.json"
        let r = try ProcessRunner.run([try SeccompTUIBinary.path(), "record", "--backend", "perf", "-o", out, "--", exe, "4000", "3"])
        #expect(r.status == 3)
        #expect(!r.stderr.contains("lost events"))
        let profile = try Profile.decodeJSON(Array(try Data(contentsOf: URL(fileURLWithPath: out))))
        #expect(profile.metadata.backend == "perf")
        #expect(profile.metadata.lostEvents == 0)
        #expect(profile.syscall(named: "getppid", arch: .host)?.count == 4000)
    }

    @Test("lost events reach the profile's metadata and the summary's advice")
    func lostEventsReported() throws {
        let exe = try Self.getppidProgram()
        let backend = PerfBackend(configuration: .init(ringPages: 1, pollMilliseconds: 200))
        let recording = try Recording.run(target: .spawn(command: [exe, "200000"]), backend: backend,
                                          options: TraceOptions())
        let metadata = recording.profile.metadata
        #expect(metadata.lostEvents > 0)
        #expect(metadata.lostEvents == backend.lostEvents)
        let count = try #require(recording.profile.syscall(named: "getppid", arch: .host)?.count)
        #expect(count < 200_000)
        let decoded = try Profile.decodeJSON(recording.profile.encodeJSON())
        #expect(decoded.metadata.lostEvents == metadata.lostEvents)
        let warning = try #require(Recording.lostEventsWarning(metadata))
        #expect(warning == "lost events: \(metadata.lostEvents) (the perf backend's ring buffers overflowed; "
                + "the profile may be incomplete: rerun with --backend ptrace)")
        #expect(Recording.lostEventsWarning(ProfileMetadata(backend: "perf")) == nil)
    }

    @Test("an unprivileged user asking for perf is told what is missing; auto falls back to ptrace")
    func unprivileged() throws {
        let paranoid = try #require(PerfPermission.paranoidLevel())
        try #require(paranoid > -1, "the test needs perf_event_paranoid above -1 (it is \(paranoid))")
        let tool = try SeccompTUIBinary.path()
        let dir = try Self.scratch()
        let perf = try ProcessRunner.run(Self.nobody + [tool, "record", "--backend", "perf", "-o", dir + "/perf.json", "--", "/bin/true"])
        #expect(perf.status != 0)
        #expect(perf.stderr.split(separator: "\n").count == 1, "\(perf.stderr)")
        #expect(perf.stderr.contains(
            "the perf backend needs root or CAP_PERFMON, or kernel.perf_event_paranoid = -1 (it is \(paranoid))"),
            "\(perf.stderr)")
        #expect(perf.stderr.contains("use --backend ptrace"))
        #expect(!FileManager.default.fileExists(atPath: dir + "/perf.json"))

        let auto = try ProcessRunner.run(Self.nobody + [tool, "record", "-o", dir + "/auto.json", "--", "/bin/true"])
        #expect(auto.status == 0, "\(auto.stderr)")
        let profile = try Profile.decodeJSON(Array(try Data(contentsOf: URL(fileURLWithPath: dir + "/auto.json"))))
        #expect(profile.metadata.backend == "ptrace")
        #expect(profile.syscall(named: "execve", arch: .host) != nil)
    }
}
