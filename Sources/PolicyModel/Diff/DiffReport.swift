extension PolicyDiff {
    /// The report: per architecture, per syscall, one line per set of calls decided differently,
    /// followed by a witness call. Nothing for syscalls decided alike.
    public func lines(table: SyscallTable = .shared) -> [String] {
        let text = RegionText(table: table)
        var out: [String] = []
        var heading: String?
        // An architecture whose every syscall differs alike whatever the arguments (a bad-architecture
        // action, a default) is told in one line rather than hundreds.
        var whole: [Arch: Difference] = [:]
        for arch in Arch.allCases {
            let named = differences.filter { if case .syscall(arch, _, _) = $0.place { true } else { false } }
            guard let first = named.first, named.count == table.definitions(for: arch).count,
                  named.allSatisfy({ $0.a == first.a && $0.b == first.b }),
                  named.allSatisfy({ text.conditions($0.region, syscall: nil, arch: arch).isEmpty }) else { continue }
            whole[arch] = first
        }
        var told: Set<Arch> = []
        for d in differences {
            if case .syscall(let arch, _, _) = d.place, let w = whole[arch] {
                guard told.insert(arch).inserted else { continue }
                if arch.rawValue != heading {
                    out.append("\(arch.rawValue):")
                    heading = arch.rawValue
                }
                out.append("  every syscall (\(table.definitions(for: arch).count)): " + PolicyDiff.sentence(a: w.a, b: w.b, when: ""))
                out.append("      e.g. \(PolicyDiff.call(w.witness, place: w.place))")
                continue
            }
            let title: String
            let subject: String
            var conditions: [String]
            switch d.place {
            case .syscall(let arch, let name, _):
                title = arch.rawValue
                subject = name
                conditions = text.conditions(d.region, syscall: name, arch: arch)
            case .unnamed(let arch):
                title = arch.rawValue
                subject = "numbers that name no syscall"
                conditions = text.numberConditions(d.region, includeArch: false) + text.conditions(d.region, syscall: nil, arch: arch)
            case .otherArchitectures:
                title = "other architectures"
                subject = "every call"
                conditions = text.numberConditions(d.region, includeArch: true) + text.conditions(d.region, syscall: nil, arch: nil)
            }
            if title != heading {
                out.append("\(title):")
                heading = title
            }
            out.append("  \(subject): " + PolicyDiff.sentence(a: d.a, b: d.b, when: conditions.joined(separator: " && ")))
            out.append("      e.g. \(PolicyDiff.call(d.witness, place: d.place))")
        }
        return out
    }

    /// `B allows domain == AF_NETLINK, A refuses it with errno EPERM (1)`;
    /// `A allows it, B kills the process on it`.
    static func sentence(a: Action, b: Action, when condition: String) -> String {
        if condition.isEmpty { return "A \(phrase(a, "it")), B \(phrase(b, "it"))" }
        if b.letsCallRun != a.letsCallRun {
            return b.letsCallRun ? "B \(phrase(b, condition)), A \(phrase(a, "it"))"
                                 : "A \(phrase(a, condition)), B \(phrase(b, "it"))"
        }
        return "when \(condition), A \(phrase(a, "it")), B \(phrase(b, "it"))"
    }

    /// What an action does to `object` (a call, or the calls a condition describes).
    static func phrase(_ action: Action, _ object: String) -> String {
        switch action {
        case .allow: return "allows \(object)"
        case .log: return "allows \(object) (and logs)"
        case .errno(let e):
            if let name = ValueDecoders.named("errno")?.describe(UInt64(e)), name.first?.isLetter == true {
                return "refuses \(object) with errno \(name) (\(e))"
            }
            return "refuses \(object) with errno \(e)"
        case .trap: return "traps \(object) (SIGSYS)"
        case .killThread: return "kills the thread on \(object)"
        case .killProcess: return "kills the process on \(object)"
        case .userNotif: return "hands \(object) to the supervisor (user_notif)"
        case .trace(let d): return "hands \(object) to the tracer (trace \(d))"
        }
    }

    /// `socket(16, 3, 0, 0, 0, 0)`, or the raw numbers where no name applies.
    static func call(_ w: SeccompData, place: Place) -> String {
        let args = w.args.map { RegionText.number($0) }.joined(separator: ", ")
        let ip = w.instructionPointer == 0 ? "" : " at instruction pointer \(RegionText.number(w.instructionPointer))"
        switch place {
        case .syscall(_, let name, _): return "\(name)(\(args))\(ip)"
        case .unnamed: return "syscall \(RegionText.number(UInt64(UInt32(bitPattern: w.nr))))(\(args))\(ip)"
        case .otherArchitectures:
            return "arch 0x\(String(w.arch, radix: 16)), syscall \(RegionText.number(UInt64(UInt32(bitPattern: w.nr))))(\(args))\(ip)"
        }
    }
}
