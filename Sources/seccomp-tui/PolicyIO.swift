import Foundation
import PolicyModel

/// The formats a policy can be written in.
enum PolicyFormat: String, CaseIterable {
    case oci, text, bpf, c

    /// The format a file name implies: `.json` OCI, `.policy` text, `.bpf` raw BPF, `.h` C.
    init?(path: String) {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "json": self = .oci
        case "policy": self = .text
        case "bpf": self = .bpf
        case "h": self = .c
        default: return nil
        }
    }
}

/// Reading and writing policy files in every supported format. The one place commands and the
/// TUI go through, so that each format has one reader and one writer.
enum PolicyIO {
    /// Reads a policy from a file: text policy for `.policy`, OCI JSON otherwise.
    static func load(path: String) throws -> Policy {
        throw NotYetBuilt(command: "reading policies")
    }

    /// Encodes a policy in `format`.
    /// `weights` shape the BPF dispatch (`--frequency`); `source` names the policy in the C header.
    static func encode(_ policy: Policy, as format: PolicyFormat, weights: SyscallWeights = .uniform,
                       source: String? = nil) throws -> [UInt8] {
        switch format {
        case .oci: throw NotYetBuilt(command: "export --format oci")
        case .text: throw NotYetBuilt(command: "export --format text")
        case .bpf: return SockFilter.bytes(of: try BPFCompiler.compile(policy, weights: weights))
        case .c: return Array(BPFCHeader.render(try BPFCompiler.compile(policy, weights: weights), policy: policy,
                                                source: source).utf8)
        }
    }
}
