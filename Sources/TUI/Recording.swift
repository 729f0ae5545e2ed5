import Dispatch
import Foundation
import PolicyModel
import TraceCapture

/// Runs one trace into a profile, ending it cleanly on SIGINT/SIGTERM/SIGHUP.
public struct Recording {
    public var profile: Profile
    public var end: TraceEnd

    /// The summary's line about lost events, when the backend lost any.
    public static func lostEventsWarning(_ metadata: ProfileMetadata) -> String? {
        guard metadata.lostEvents > 0 else { return nil }
        return "lost events: \(metadata.lostEvents) (the \(metadata.backend) backend's ring buffers overflowed; "
            + "the profile may be incomplete: rerun with --backend ptrace)"
    }

    /// The summary's line about calls left out because their architecture could not be told.
    public static func unknownArchitectureWarning(_ metadata: ProfileMetadata) -> String? {
        guard metadata.unknownArchitectureCalls > 0 else { return nil }
        return "architecture unknown: \(metadata.unknownArchitectureCalls) calls were left out (the \(metadata.backend) "
            + "backend could not tell i386 from x86_64 calls); `generate` refuses the profile: rerun with --backend ptrace"
    }

    public static func run(target: TraceTarget, backend choice: BackendKind, options: TraceOptions) throws -> Recording {
        try run(target: target, backend: try TraceBackends.make(kind: choice), options: options)
    }

    public static func run(target: TraceTarget, backend: TraceBackend, options: TraceOptions) throws -> Recording {
        let feed = LiveFeed(profile: Profile(metadata: ProfileMetadata(
            command: { if case .spawn(let c) = target { return c } else { return [] } }(),
            attachedPid: { if case .attach(let p) = target { return p } else { return nil } }(),
            backend: backend.name, startTime: Date().timeIntervalSince1970)))
        let quit = ProcessSignals.catchQuit { _, _ in backend.stop() }
        defer { quit.cancel() }
        _ = try backend.start(target, options: options) { feed.add($0) }
        let end = backend.wait()
        feed.finish(end, lostEvents: backend.lostEvents, unknownArchitectureCalls: backend.unknownArchitectureCalls)
        var profile = feed.counted
        profile.metadata.endTime = Date().timeIntervalSince1970
        switch end {
        case .exited(let c): profile.metadata.exitCode = c
        case .signaled(let s): profile.metadata.exitSignal = s
        case .detached: break
        }
        return Recording(profile: profile, end: end)
    }
}
