import Glibc
import PolicyModel
import Testing
import TraceCapture
@testable import TUI

/// Every key of the key table, pressed in a state where it has something to do, does what its
/// binding says.
@Suite struct ReducerKeyTests {
    struct Case: CustomTestStringConvertible, Sendable {
        var binding: Int
        var key: Key
        var testDescription: String { "\(key.label) → \(KeyBindings.all[binding].action)" }
    }

    static let cases: [Case] = KeyBindings.all.indices.flatMap { i in
        KeyBindings.all[i].keys.map { Case(binding: i, key: $0) }
    }

    /// The pane in which `key` resolves to the binding (global bindings overridden in a pane are
    /// tested in the other one).
    static func pane(for c: Case) -> Pane? {
        let b = KeyBindings.all[c.binding]
        let candidates: [Pane] = b.scope == .detail ? [.detail] : (b.scope == .list ? [.list] : [.list, .detail])
        return candidates.first { KeyBindings.action(for: c.key, in: $0, asking: b.scope == .prompt) == b.action }
    }

    @Test("the table has no key bound twice in the same pane")
    func noDuplicates() {
        for pane in [Pane.list, .detail] {
            var seen: [Key: TUIAction] = [:]
            for b in KeyBindings.all where b.scope == .global || b.scope == (pane == .list ? .list : .detail) {
                for k in b.keys where b.scope != .global {
                    #expect(seen[k] == nil, "\(k.label) bound twice in \(pane)")
                    seen[k] = b.action
                }
            }
        }
    }

    @Test("every key of the table", arguments: cases)
    func key(_ c: Case) throws {
        let binding = KeyBindings.all[c.binding]
        let pane = try #require(Self.pane(for: c), "\(c.key.label) never reaches \(binding.action)")
        var before = TUIFixtures.state(extra: 40, output: "/tmp/seccomp-tui-test.json")
        before.pane = pane
        if binding.scope == .prompt {
            // A call waits (ask mode): the once-only keys answer it.
            before.asking = true
            before.prompts = [AskedCall(id: 7, event: SyscallEvent(pid: 1, tid: 2, arch: .host, nr: TUIFixtures.writeNr, args: [1]),
                                        name: "write", received: 0)]
        }
        let readKey = LiveStats.Key(arch: .host, nr: TUIFixtures.readNr)
        let writeKey = LiveStats.Key(arch: .host, nr: TUIFixtures.writeNr)
        // A starting point where each action has something to change.
        switch binding.action {
        case .moveUp, .searchNext, .searchPrevious:
            before.selected = writeKey
            before.detailCursor = 1
            before.lastSearch = "nr_20"
        case .suggest:
            before = reduce(before, .allow)
        case .clearConditions:
            before.pane = .detail
            before = reduce(before, .addCondition)
            before.pane = pane
        case .undo:
            before = reduce(before, .deny)
        case .redo:
            before = reduce(reduce(before, .deny), .undo)
        case .quit:
            break
        default:
            break
        }
        before.selected = before.selected ?? readKey
        let after = reduce(before, .key(c.key))
        let read = "read"

        switch binding.action {
        case .moveUp:
            if pane == .list { #expect(after.selectedRow?.name == read) } else { #expect(after.detailCursor == 0) }
        case .moveDown:
            if pane == .list { #expect(after.selectedRow?.name == "write") } else { #expect(after.detailCursor == 1) }
        case .pageUp:
            let start = before.pane == .list ? before.selectedIndex! : before.detailCursor
            #expect(start == 0)
            #expect((pane == .list ? after.selectedIndex! : after.detailCursor) == 0)
        case .pageDown:
            if pane == .list {
                #expect(after.selectedIndex == before.listHeight - 1)
                #expect(after.listScroll == 0)
            } else {
                #expect(after.detailCursor == after.detailValues.count - 1)
            }
        case .home:
            #expect((pane == .list ? after.selectedIndex! : after.detailCursor) == 0)
        case .end:
            if pane == .list {
                #expect(after.selectedIndex == after.visibleRows.count - 1)
                #expect(after.listScroll == after.visibleRows.count - after.listHeight)
            } else {
                #expect(after.detailCursor == after.detailValues.count - 1)
            }
        case .switchPane:
            #expect(after.pane != before.pane)
        case .redraw:
            #expect(after.effects == [.redrawAll])
        case .help:
            #expect(after.showHelp)
        case .search:
            #expect(after.prompt == .search(text: ""))
        case .searchNext:
            #expect(after.selectedRow?.name == "nr_2000")
        case .searchPrevious:
            #expect(after.selectedRow?.name == "nr_2039")
        case .cycleSort:
            #expect(after.sort == .name)
            #expect(after.visibleRows.first?.name == "exit", "the implicit rows sort with the rest")
        case .filterGroup:
            #expect(after.prompt == .groupFilter(selected: 0))
        case .cycleDecisionFilter:
            #expect(after.decisionFilter == .undecided)
        case .toggleUndecided:
            #expect(after.decisionFilter == .undecided)
            #expect(reduce(after, .key(c.key)).decisionFilter == .all)
        case .togglePolicyView:
            #expect(after.showPolicy)
        case .toggleRefusedView:
            #expect(after.showRefused && !after.showPolicy)
        case .allow:
            #expect(after.decisions.decision(for: read).verdict == .allow)
            #expect(after.undoStack.count == before.undoStack.count + 1)
        case .deny:
            #expect(after.decisions.decision(for: read).verdict == .deny(errno: UInt16(EPERM)))
            #expect(after.policy.decide(SeccompData(nr: TUIFixtures.readNr, arch: .host)) == .errno(UInt16(EPERM)))
        case .denyWithErrno:
            #expect(after.prompt == .errno(selected: 0))
        case .kill:
            #expect(after.decisions.decision(for: read).verdict == .kill)
        case .log:
            #expect(after.decisions.decision(for: read).verdict == .log)
        case .suggest:
            #expect(before.decisions.decision(for: read).verdict == .allow)
            #expect(after.decisions.bySyscall[read] == nil)
        case .addCondition:
            #expect(after.decisions.decision(for: read).argRules == [0: .values([0])])
            #expect(after.decisions.decision(for: read).verdict == .allow)
        case .toggleValue:
            #expect(after.selectedValues == [ValueRef(argument: 0, value: 0)])
            #expect(after.detailCursor == 1)
        case .toggleOutput:
            #expect(after.message?.hasPrefix("no program output here") == true, "the fixture has no program terminal")
        case .togglePaths:
            #expect(after.expandPaths)
        case .maskRule:
            #expect(after.decisions.decision(for: read).argRules == [0: .maskZero(0xFFFF_FFFF)])
        case .clearConditions:
            #expect(before.decisions.decision(for: read).argRules[0] != nil)
            #expect(after.decisions.decision(for: read).argRules[0] == nil)
        case .groupDecision:
            if seenGroups(before).isEmpty {
                #expect(after.prompt == nil)
                #expect(after.message == "no group knows the syscalls seen")
            } else {
                #expect(after.prompt == .groupDecision(selected: 0))
            }
        case .defaultAction:
            #expect(after.prompt == .defaultAction(selected: 0))
        case .undo:
            #expect(after.decisions == Decisions())
            #expect(after.redoStack.count == 1)
        case .redo:
            #expect(after.decisions.decision(for: read).verdict == .deny(errno: UInt16(EPERM)))
        case .save:
            #expect(after.effects == [.save(path: "/tmp/seccomp-tui-test.json", format: .oci, policy: before.policy)])
        case .saveAs:
            #expect(after.prompt == .savePath(text: "/tmp/seccomp-tui-test.json"))
        case .quit:
            #expect(after.shouldQuit)
            let changed = reduce(reduce(before, .deny), .key(c.key))
            #expect(!changed.shouldQuit)
            #expect(changed.prompt == .confirmQuit)
        case .allowOnce:
            #expect(after.effects == [.answer(id: 7, answer: .allowOnce)])
            #expect(after.prompts.isEmpty && after.decisions == before.decisions)
        case .denyOnce:
            #expect(after.effects == [.answer(id: 7, answer: .denyOnce(errno: UInt16(EPERM)))])
            #expect(after.prompts.isEmpty && after.decisions == before.decisions)
        case .key, .resize, .update, .output, .traceEnded, .saved, .saveFailed, .prompts:
            Issue.record("\(binding.action) is not an action a key may be bound to")
        }
    }
}
