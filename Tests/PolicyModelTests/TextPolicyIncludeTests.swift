import Foundation
import Testing
@testable import PolicyModel
import TestSupport

@Suite struct TextPolicyIncludeTests {
    typealias F = TextPolicyFixtures

    /// A fresh temporary directory holding `files` (relative names), removed by the caller.
    static func directory(_ files: [String: String]) throws -> String {
        try TestScratch.directory("textpolicy", files: files)
    }

    static func parseFile(_ path: String) throws -> ParsedTextPolicy {
        let text = try String(contentsOfFile: path, encoding: .utf8)
        return try TextPolicy.parse(text, file: path, vocabulary: F.vocabulary) {
            try String(contentsOfFile: $0, encoding: .utf8)
        }
    }

    static func error(_ path: String) -> String? {
        do {
            _ = try parseFile(path)
            return nil
        } catch {
            return "\(error)"
        }
    }

    @Test("@include is relative to the including file, at every level, and adds its rules in place")
    func relative() throws {
        let dir = try Self.directory([
            "main.policy": "@default kill\nread: allow\n@include sub/io.policy\ngetpid: allow\n",
            "sub/io.policy": "write: fd == 1\n@include \"../more/net.policy\"  # quoted\n",
            "more/net.policy": "@arch x86_64\nsocket: family == AF_UNIX\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let p = try Self.parseFile(dir + "/main.policy").policy
        #expect(p.architectures == [.x86_64])
        #expect(p.rules.map(\.syscall) == ["read", "write", "socket", "getpid"])
    }

    @Test("an error inside an included file names that file and its line")
    func errorInIncluded() throws {
        let dir = try Self.directory(["a.policy": "@default kill\n@include b.policy\n", "b.policy": "\nread: fd == X\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.error(dir + "/a.policy") == "\(dir)/b.policy:2:13: unknown constant 'X' for 'fd' of 'read'")
    }

    @Test("a missing included file is an error at the @include line")
    func missing() throws {
        let dir = try Self.directory(["a.policy": "@default kill\n  @include nothere.policy\n"])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let e = try #require(Self.error(dir + "/a.policy"))
        #expect(e.hasPrefix("\(dir)/a.policy:2:12: cannot read included file '\(dir)/nothere.policy': "))
    }

    @Test("include cycles are refused, naming the chain")
    func cycle() throws {
        let dir = try Self.directory([
            "a.policy": "@default kill\n@include b.policy\n",
            "b.policy": "@include ./sub/../c.policy\n",
            "c.policy": "read: allow\n@include a.policy\n",
            "self.policy": "@default kill\n@include self.policy\n",
        ])
        defer { try? FileManager.default.removeItem(atPath: dir) }
        #expect(Self.error(dir + "/a.policy")
                == "\(dir)/c.policy:2:10: @include cycle: \(dir)/a.policy -> \(dir)/b.policy -> \(dir)/c.policy -> \(dir)/a.policy")
        #expect(Self.error(dir + "/self.policy") == "\(dir)/self.policy:2:10: @include cycle: \(dir)/self.policy -> \(dir)/self.policy")
    }

    @Test("includes nest 8 deep, not 9; the same file may be included twice side by side")
    func depth() throws {
        // d0 includes d1 ... includes dN: N levels of nesting.
        func chain(_ levels: Int) -> [String: String] {
            var files: [String: String] = [:]
            for i in 0..<levels { files["d\(i).policy"] = "@include d\(i + 1).policy\n" }
            files["d\(levels).policy"] = "read: allow\n"
            files["main.policy"] = "@default kill\n@include d0.policy\n@include d0.policy\n"
            return files
        }
        let ok = try Self.directory(chain(7))  // main -> d0 ... d7: 8 levels
        defer { try? FileManager.default.removeItem(atPath: ok) }
        #expect(try Self.parseFile(ok + "/main.policy").policy.rules == [Rule(syscall: "read", action: .allow), Rule(syscall: "read", action: .allow)])

        let deep = try Self.directory(chain(8))  // 9 levels
        defer { try? FileManager.default.removeItem(atPath: deep) }
        let e = try #require(Self.error(deep + "/main.policy"))
        #expect(e.hasPrefix("\(deep)/d7.policy:1:10: @include nested more than 8 deep: \(deep)/main.policy -> \(deep)/d0.policy -> "))
        #expect(e.hasSuffix("\(deep)/d7.policy -> \(deep)/d8.policy"))
    }

    @Test("include paths fold . and .. and repeated slashes")
    func paths() {
        #expect(TextPolicyPaths.resolve("b.policy", relativeTo: "/x/y/a.policy") == "/x/y/b.policy")
        #expect(TextPolicyPaths.resolve("../b.policy", relativeTo: "/x/y/a.policy") == "/x/b.policy")
        #expect(TextPolicyPaths.resolve("/etc//b.policy", relativeTo: "/x/a.policy") == "/etc/b.policy")
        #expect(TextPolicyPaths.resolve("./c/./d.policy", relativeTo: "a.policy") == "c/d.policy")
        #expect(TextPolicyPaths.resolve("../../b.policy", relativeTo: "rel/a.policy") == "../b.policy")
        #expect(TextPolicyPaths.resolve("../../b.policy", relativeTo: "/a.policy") == "/b.policy")
    }
}
