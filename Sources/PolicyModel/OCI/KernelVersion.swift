/// A kernel version as Docker compares it: the kernel and major revision only, so that
/// `3.12.25-gentoo`, `3.12-1-amd64` and `3.12` are all 3.12.
public struct KernelVersion: Hashable, Sendable, Comparable, CustomStringConvertible {
    public var kernel: Int
    public var major: Int

    public init(kernel: Int, major: Int) {
        self.kernel = kernel
        self.major = major
    }

    /// Reads `N.M` at the start of a release string (`6.18.0-1-amd64`, `4.8`); nil otherwise.
    public init?(release: String) {
        let trimmed = release.drop(while: { $0 == " " || $0 == "\n" || $0 == "\t" })
        let first = trimmed.prefix(while: \.isASCIIDigit)
        let rest = trimmed.dropFirst(first.count)
        guard !first.isEmpty, first.count <= 9, rest.first == "." else { return nil }
        let second = rest.dropFirst().prefix(while: \.isASCIIDigit)
        guard !second.isEmpty, second.count <= 9, let k = Int(first), let m = Int(second) else { return nil }
        self.init(kernel: k, major: m)
    }

    public static func < (a: KernelVersion, b: KernelVersion) -> Bool {
        (a.kernel, a.major) < (b.kernel, b.major)
    }

    public var description: String { "\(kernel).\(major)" }
}

extension Character {
    var isASCIIDigit: Bool { ("0"..."9").contains(self) }
}
