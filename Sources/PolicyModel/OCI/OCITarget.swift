/// What an OCI profile's conditional entries are resolved for: Docker's `includes`/`excludes`
/// test the architecture, the container's capabilities and the running kernel.
/// PolicyModel never looks at the machine: the caller supplies all three.
public struct OCITarget: Hashable, Sendable {
    public var arch: Arch
    /// Capability names, normalized to `CAP_SYS_ADMIN` form.
    public var capabilities: Set<String>
    public var kernel: KernelVersion

    public init(arch: Arch, capabilities: Set<String> = [], kernel: KernelVersion) {
        self.arch = arch
        self.capabilities = Set(capabilities.map(OCITarget.normalizedCapability))
        self.kernel = kernel
    }

    /// `sys_admin`, `SYS_ADMIN`, `cap_sys_admin` → `CAP_SYS_ADMIN`.
    public static func normalizedCapability(_ name: String) -> String {
        let upper = name.uppercased()
        return upper.hasPrefix("CAP_") ? upper : "CAP_" + upper
    }

    /// The architecture's libseccomp name, which Docker's `arches` filters compare against.
    public var nativeName: String {
        switch arch {
        case .x86_64: return "amd64"
        case .i386: return "x86"
        case .x32: return "x32"
        case .aarch64: return "arm64"
        }
    }
}
