import PolicyModel
@testable import TUI

/// States built from real syscall numbers of the table, folded the way a trace folds them.
enum TUIFixtures {
    static let readNr = SyscallTable.shared.number(of: "read", arch: .host)!
    static let writeNr = SyscallTable.shared.number(of: "write", arch: .host)!

    static func event(_ nr: Int32, _ args: [UInt64], ret: Int64? = nil, paths: [Int: String] = [:]) -> SyscallEvent {
        SyscallEvent(pid: 100, tid: 100, arch: .host, nr: nr, args: args, returnValue: ret, paths: paths)
    }

    /// read ×100 (fd 0 ×60, 3 ×30, 7 ×10), write ×50 (fd 1 ×40, fd 2 ×10, one EBADF), and
    /// `extra` rows of numbers the table does not know (for paging), each seen `extra - i` times.
    static func stats(extra: Int = 0) -> LiveStats {
        var events: [SyscallEvent] = []
        for i in 0..<100 {
            events.append(event(readNr, [i < 60 ? 0 : (i < 90 ? 3 : 7), 0x7ffd_0000, 4096]))
        }
        for i in 0..<50 {
            events.append(event(writeNr, [i < 40 ? 1 : 2, 0x7ffd_1000, 12], ret: i == 0 ? -9 : 12))
        }
        for i in 0..<extra {
            for _ in 0..<(extra - i) { events.append(event(Int32(2000 + i), [UInt64(i)])) }
        }
        var s = LiveStats()
        s.fold(events)
        return s
    }

    static func state(width: Int = 80, height: Int = 24, extra: Int = 0, output: String? = nil,
                      policy: Policy? = nil) -> TUIState {
        var s = TUIState(width: width, height: height, title: "./demo/busy.sh", pid: 4242, status: .running,
                         outputPath: output, loadedPolicy: policy)
        s = reduce(s, .update(stats(extra: extra), rate: 1234))
        return s
    }

    /// Sends keys one after another.
    static func press(_ s: TUIState, _ keys: [Key]) -> TUIState {
        keys.reduce(s) { reduce($0, .key($1)) }
    }

    static func type(_ s: TUIState, _ text: String) -> TUIState {
        press(s, text.map { Key.char($0) })
    }
}
