/// The indices of a policy's rules grouped by syscall, each group in the rules' order, made
/// in linear time without copying the rules: a counting sort of the indices by the syscall's
/// number in first-seen order (the distinct names are few; the rules may be millions).
struct RulesBySyscall {
    /// The syscalls, in the order their first rules come.
    let names: [String]
    /// The indices of `names[g]`'s rules: `order[starts[g]..<starts[g + 1]]`.
    private let starts: [Int]
    private let order: [Int32]

    init(_ rules: [Rule]) {
        var numbers: [String: Int32] = [:]
        var names: [String] = []
        var last = -1
        // The group of each rule; consecutive rules mostly share one, compared without hashing.
        func number(of name: String) -> Int {
            if last >= 0, names[last] == name { return last }
            if let n = numbers[name] {
                last = Int(n)
            } else {
                last = names.count
                numbers[name] = Int32(last)
                names.append(name)
            }
            return last
        }
        var counts: [Int] = []
        for rule in rules {
            let g = number(of: rule.syscall)
            if g == counts.count { counts.append(0) }
            counts[g] += 1
        }
        var starts = [Int](repeating: 0, count: names.count + 1)
        for g in names.indices { starts[g + 1] = starts[g] + counts[g] }
        // The second pass finds each rule's group again rather than keeping one number a rule.
        var next = Array(starts.dropLast())
        var order = [Int32](repeating: 0, count: rules.count)
        last = -1
        for i in rules.indices {
            let g = number(of: rules[i].syscall)
            order[next[g]] = Int32(i)
            next[g] += 1
        }
        self.names = names
        self.starts = starts
        self.order = order
    }

    /// The indices of the rules of `names[group]`, in the rules' order.
    func indices(of group: Int) -> ArraySlice<Int32> {
        order[starts[group]..<starts[group + 1]]
    }

    /// The groups in the order of their syscalls' names.
    func sortedByName() -> [Int] {
        names.indices.sorted { names[$0] < names[$1] }
    }
}
