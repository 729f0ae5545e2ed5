import Foundation
import Glibc
import PolicyModel
import Testing
import TestSupport

/// The real binary in tmux: resizing, and a saved profile opened with a policy to check.
@Suite(.serialized, .requires(Requirement.tmux), .requires(Requirement.ptrace)) struct ScreenEndToEndTests {
    @Test("a terminal resize (KEY_RESIZE) relayouts the screen to the new size")
    func resize() throws {
        let t = try TmuxSession("\(TmuxSession.binary) --synthetic-rate 1000", width: 120, height: 40)
        let before = try t.waitFor("F1Help")
        #expect(before.split(separator: "\n", omittingEmptySubsequences: false)[39].hasPrefix("F1Help"))
        try TmuxSession.run(["-L", t.socket, "resize-window", "-t", t.name, "-x", "70", "-y", "20"])
        var lines: [Substring] = []
        try waitFor(interval: 0.05) {
            lines = try t.capture().split(separator: "\n", omittingEmptySubsequences: false)
            return lines.count >= 20 && lines[19].hasPrefix("F1Help")
        }
        #expect(lines.count >= 20 && lines[19].hasPrefix("F1Help"), "the footer moved to the new last row")
        #expect(lines.allSatisfy { $0.count <= 70 })
        #expect(lines[2].contains("│"), "the panes were laid out again")
    }

    @Test("open PROFILE --policy P marks the recorded calls the policy refuses, and v shows only them")
    func openWithPolicy() throws {
        let dir = try TestScratch.directory("tui-open").path
        let profile = dir + "/profile.json"
        let record = try EnforceTestSupport.seccompTUI(["record", "--backend", "ptrace", "-o", profile, "--",
                                                        "/bin/sh", "-c", "mkdir \(dir)/m"])
        #expect(record.status == 0, "\(record.stderr)")
        // Everything but mkdir allowed: only mkdir is refused.
        let seen = try Profile.decodeJSON(Array(try Data(contentsOf: URL(fileURLWithPath: profile)))).names()
        #expect(seen.contains("mkdir"))
        let policy = dir + "/p.policy"
        let text = "@default errno EPERM\n@arch x86_64\n" + seen.filter { $0 != "mkdir" }.map { "\($0): allow\n" }.joined()
        try text.write(toFile: policy, atomically: true, encoding: .utf8)

        let t = try TmuxSession("\(TmuxSession.binary) open \(profile) --policy \(policy)")
        let screen = try t.waitFor("policy loaded")
        #expect(screen.contains("?!mkdir"), "mkdir is marked refused:\n\(screen)")
        #expect(!screen.contains("?!execve"))
        for _ in 0..<6 { try t.send("v") }
        let refused = try t.waitFor("show: refused")
        let rows = refused.split(separator: "\n").dropFirst(3).filter { $0.hasPrefix("?") }
        #expect(rows.count == 1 && rows.first?.hasPrefix("?!mkdir") == true, "\(refused)")
        #expect(refused.contains("the loaded policy refuses calls seen here"))
    }
}

/// Colours, and the monochrome fallback, as the terminal receives them.
@Suite(.serialized) struct ColourEndToEndTests {
    /// Whether an SGR parameter sets a foreground or background colour (30–38, 40–48, 90–107).
    static func isColour(_ p: Substring) -> Bool {
        guard let n = Int(p) else { return false }
        return (30...38).contains(n) || (40...48).contains(n) || (90...107).contains(n)
    }

    /// SGR parameter lists in a `capture-pane -e` dump.
    static func sgr(_ dump: String) -> [String] {
        var out: [String] = []
        var rest = Substring(dump)
        while let r = rest.range(of: "\u{1b}[") {
            let tail = rest[r.upperBound...]
            guard let m = tail.firstIndex(where: { $0.isLetter }) else { break }
            if tail[m] == "m" { out.append(String(tail[..<m])) }
            rest = tail[m...]
        }
        return out
    }

    @Test("colours by default; --monochrome uses attributes only (reverse for the header and selection)")
    func monochrome() throws {
        let colour = try TmuxSession("\(TmuxSession.binary) --synthetic-rate 1000")
        try colour.waitFor("F1Help")
        let c = Self.sgr(try TmuxSession.run(["-L", colour.socket, "capture-pane", "-e", "-p", "-t", colour.name]))
        let colourParams: [Substring] = c.flatMap { $0.split(separator: ";") }.filter(Self.isColour)
        #expect(!colourParams.isEmpty, "colours are used")

        let mono = try TmuxSession("\(TmuxSession.binary) --synthetic-rate 1000 --monochrome")
        try mono.waitFor("F1Help")
        let m = Self.sgr(try TmuxSession.run(["-L", mono.socket, "capture-pane", "-e", "-p", "-t", mono.name]))
        let colourCodes: [Substring] = m.flatMap { $0.split(separator: ";") }.filter(Self.isColour)
        #expect(colourCodes.isEmpty, "no colour in monochrome: \(colourCodes)")
        #expect(m.contains { $0.split(separator: ";").contains("7") }, "reverse video marks the header")
    }
}
