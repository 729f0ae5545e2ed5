import ArgumentParser
import Foundation
import PolicyModel
import TUI

extension PolicyFormat: ExpressibleByArgument {}
extension ContainerRuntime: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "export",
        abstract: "Convert a policy to another format.",
        discussion: """
            Reads POLICY (OCI seccomp JSON, or a .policy text policy) and writes it as OCI JSON, \
            raw BPF, a text policy or a C header. Docker's conditional entries (archMap, \
            includes, excludes) are resolved for the target: by default the host architecture, \
            the running kernel and no capabilities. Nothing is written when the input is bad.

            Examples:
              seccomp-tui export srv.policy -o srv.bpf                  # for bwrap
              seccomp-tui export srv.policy --runtime runc -o srv.json  # for runc
              seccomp-tui export docker-default.json --format text
            """)

    @Argument(help: "The policy to convert.")
    var policy: String

    @Option(help: "Output format: oci, bpf, text, c or spo (a Kubernetes SeccompProfile; default: from -o's extension).")
    var format: PolicyFormat?

    @Option(help: "For spo: the object's name (default: from -o's file name, else the policy's).")
    var name: String?

    @Option(help: "For spo: the object's namespace (default: none, the one kubectl applies it in).")
    var namespace: String?

    @Option(name: .shortAndLong, help: "Write here (atomically) instead of to standard output.")
    var output: String?

    @Flag(help: "Skip unknown syscall names with a warning instead of failing.")
    var lenient = false

    @Option(help: "Resolve the profile for this architecture (x86_64, x32, i386, aarch64; default: the host); a policy that does not list it is rewritten for it (open → openat, ...; see docs/containers.md).")
    var targetArch: String?

    @Option(help: "Resolve minKernel conditions for this kernel version, e.g. 6.1 (default: the running kernel).")
    var kernel: String?

    @Option(name: .customLong("cap"), help: "A capability the container holds, e.g. CAP_SYS_ADMIN (repeatable; default: none).")
    var capabilities: [String] = []

    @Option(help: "For bpf and c: weight the syscall dispatch by a minijail frequency file (`syscall: count` per line).")
    var frequency: String?

    @Option(help: "For bpf and c: weight the syscall dispatch and argument checks by recorded profiles (repeatable, merged).")
    var profile: [String] = []

    @Option(help: ArgumentHelp("For oci: also allow what this container runtime's init calls after installing the filter "
                + "(none, runc, crun; default none). See docs/runtimes.md."))
    var runtime: ContainerRuntime = .none

    func validate() throws {
        if frequency != nil && !profile.isEmpty {
            throw ValidationError("give either --frequency or --profile, not both")
        }
        if let a = targetArch, Arch(name: a) == nil {
            throw ValidationError("--target-arch: unknown architecture '\(a)'; expected x86_64, x32, i386 or aarch64")
        }
        if let k = kernel, KernelVersion(release: k) == nil {
            throw ValidationError("--kernel: expected a version such as 6.1, found '\(k)'")
        }
        if runtime != .none && (format ?? output.flatMap(PolicyFormat.init(path:))) != .oci {
            throw ValidationError("--runtime \(runtime.rawValue) applies to --format oci (runtimes read OCI profiles)")
        }
        if format == nil && output.flatMap(PolicyFormat.init(path:)) == nil {
            throw ValidationError("give --format oci|bpf|text|c|spo (or an -o file ending in .json, .bpf, .policy, .h or .yaml)")
        }
        if (name != nil || namespace != nil) && (format ?? output.flatMap(PolicyFormat.init(path:))) != .spo {
            throw ValidationError("--name and --namespace apply to --format spo")
        }
    }

    /// The options the policy is read with, from the flags and the host.
    func loadOptions() throws -> PolicyLoadOptions {
        let kernelVersion = try kernel.flatMap(KernelVersion.init(release:)) ?? PolicyLoadOptions.runningKernel()
        let target = OCITarget(arch: targetArch.flatMap(Arch.init(name:)) ?? .host,
                               capabilities: Set(capabilities), kernel: kernelVersion)
        return PolicyLoadOptions(target: target, lenient: lenient)
    }

    /// The policy read for --target-arch. A policy for other architectures only (it neither lists
    /// the target nor maps it in a Docker archMap, as a policy learned on x86_64) is read for the
    /// host and carried over by ArchMapping's table, with one note per call replaced.
    func loadForTarget() throws -> Policy {
        let options = try loadOptions()
        guard options.target.arch != .host else { return try PolicyIO.load(path: policy, options: options) }
        var onHost = options
        onHost.target.arch = .host
        var warnings: [String] = []
        onHost.warn = { warnings.append($0) }
        let hostPolicy = try PolicyIO.load(path: policy, options: onHost)
        if hostPolicy.architectures.contains(options.target.arch) || archMapCovers(options.target.arch) {
            return try PolicyIO.load(path: policy, options: options)
        }
        for w in warnings { options.warn(w) }
        do {
            let (retargeted, notes) = try ArchMapping.retarget(hostPolicy, to: options.target.arch)
            for n in notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
            return retargeted
        } catch {
            throw FileError(path: policy, reason: "cannot be written for \(options.target.arch.rawValue): \(error)")
        }
    }

    /// Whether the policy is an OCI profile whose Docker archMap has an entry for `arch`.
    func archMapCovers(_ arch: Arch) -> Bool {
        guard let bytes = try? InputFile.read(path: policy, limit: JSONParser.Limits.standard.maxBytes),
              let raw = try? OCIProfile.parse(bytes, source: policy) else { return false }
        return raw.archMap.contains { $0.architecture == arch.ociName || $0.subArchitectures.contains(arch.ociName) }
    }

    /// The bytes to write: the whole conversion happens before anything is written.
    func convertedBytes() throws -> [UInt8] {
        guard let format = format ?? output.flatMap(PolicyFormat.init(path:)) else {
            throw ValidationError("give --format oci|bpf|text|c|spo")
        }
        var loaded = try loadForTarget()
        // The runtime's machine: the target architecture (libseccomp adds it to every filter).
        let native = targetArch.flatMap(Arch.init(name:)) ?? .host
        if runtime != .none {
            let (withRuntime, notes) = try loaded.adding(runtime: runtime)
            loaded = withRuntime
            for n in notes { FileHandle.standardError.write(Data("note: \(n)\n".utf8)) }
        }
        let weights = try frequency.map(Export.readFrequency)
            ?? (profile.isEmpty ? .uniform : SyscallWeights(profile: Check.loadProfiles(profile)))
        if format == .spo {
            PolicyIO.printWarnings(for: loaded, as: format, native: native)
            let objectName = name ?? [output, policy].compactMap { $0.flatMap(KubernetesName.from(path:)) }.first ?? "seccomp-profile"
            do {
                return try SeccompProfileObject.encode(loaded, name: objectName, namespace: namespace)
            } catch let e as OCIWriteError {
                throw FileError(path: policy, reason: "cannot be written as a SeccompProfile: \(e)")
            }
        }
        return try PolicyIO.encode(loaded, as: format, weights: weights, source: policy, naming: policy,
                                   native: native)
    }

    /// The largest frequency file read: one line per syscall is a few kilobytes.
    static let maxFrequencyBytes = 16 << 20

    /// Reads a minijail frequency file; errors name the file and line.
    static func readFrequency(_ path: String) throws -> SyscallWeights {
        let data = try InputFile.read(path: path, limit: maxFrequencyBytes)
        do {
            return try SyscallWeights.parseFrequency(String(decoding: data, as: UTF8.self))
        } catch let e as SyscallFrequencyError {
            // `file:line: message`, as the policy readers report where a fault is.
            throw FileError(path: "\(path):\(e.line)", reason: e.message)
        }
    }

    func run() throws {
        // Raw BPF is binary and a C header is meant for a file: neither to a terminal (as gzip
        // refuses), before any work is done.
        if output == nil, isatty(1) == 1 {
            switch format ?? .oci {
            case .bpf:
                throw CommandFailure("refusing to write raw BPF (binary) to a terminal: give -o FILE.bpf or redirect "
                    + "standard output (seccomp-tui export ... > policy.bpf); --format text for reading")
            case .c:
                throw CommandFailure("refusing to write a C header to a terminal: give -o FILE.h or redirect "
                    + "standard output (seccomp-tui export ... > policy.h); --format text for reading, "
                    + "`seccomp-tui disasm` for the instructions")
            default: break
            }
        }
        let bytes = try convertedBytes()
        if let output {
            try AtomicFile.write(bytes, to: output)
        } else {
            FileHandle.standardOutput.write(Data(bytes))
        }
    }
}
