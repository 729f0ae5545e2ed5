/// One item of the exposure score: what it measures and how much it weighs.
public struct ExposureItem: Hashable, Sendable {
    public var name: String
    public var weight: Double
    public var measures: String
}

/// The exposure score, in the manner of `systemd-analyze security`: each item has a weight and a
/// badness between 0 and 1 measured on the policy; the score is `10 × Σ weight × badness / Σ weight`,
/// so 0 is tight and 10 wide open. This table is the one source of the weights (docs/review.md
/// shows it, and a test keeps the two alike).
public enum ExposureTable {
    public static let items: [ExposureItem] = [
        ExposureItem(name: "default-allow", weight: 30, measures: "1 when the default action lets calls run (allow, log)"),
        ExposureItem(name: "bad-arch-allows", weight: 10, measures: "1 when calls of unlisted architectures are let run"),
        ExposureItem(name: "foreign-arch", weight: 6,
                     measures: "1 when x32 or an architecture other than the host's is listed and allows a call"),
        ExposureItem(name: "breadth", weight: 20,
                     measures: "the share of the host architecture's syscalls that some call is allowed to make"),
        ExposureItem(name: "clone-namespaces", weight: 6,
                     measures: "1 when clone is allowed with a CLONE_NEW* flag or clone3 is allowed"),
        ExposureItem(name: "ioctl-tiocsti", weight: 5, measures: "1 when ioctl is allowed with request TIOCSTI"),
        ExposureItem(name: "io-uring", weight: 6, measures: "1 when io_uring_setup is allowed"),
    ] + LintCatalog.dangerousSyscalls.map {
        ExposureItem(name: $0.name, weight: $0.weight,
                     measures: "1 when allowed whatever the arguments, 0.5 when allowed with some")
    }

    public static func item(named name: String) -> ExposureItem? { items.first { $0.name == name } }

    /// The score for badness values by item name (missing items count 0), rounded to a tenth.
    public static func score(_ badness: [String: Double]) -> Double {
        let total = items.reduce(0) { $0 + $1.weight }
        let bad = items.reduce(0) { $0 + $1.weight * min(1, max(0, badness[$1.name] ?? 0)) }
        return (100 * bad / total).rounded() / 10
    }

    /// The table as Markdown, as docs/review.md shows it.
    public static func markdown() -> String {
        var lines = ["| item | weight | badness |", "|---|---:|---|"]
        for i in items {
            let w = i.weight == i.weight.rounded() ? String(Int(i.weight)) : String(i.weight)
            lines.append("| `\(i.name)` | \(w) | \(i.measures) |")
        }
        return lines.joined(separator: "\n")
    }
}
