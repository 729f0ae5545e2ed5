import Testing
@testable import PolicyModel

/// The text policy language with the real decoders: a rule's known arguments choose the decoder
/// of the others (setsockopt's option name by its level, socket's protocol by its domain).
@Suite struct TextPolicyDecoderTests {
    @Test("setsockopt's option name is read and written with the names of its level")
    func optionNameByLevel() throws {
        let text = """
            @default errno EPERM
            @arch x86_64
            setsockopt: level == SOL_TCP && optname == TCP_NODELAY || level == SOL_SOCKET && optname == SO_REUSEADDR
            socket: domain == AF_NETLINK && protocol == NETLINK_KOBJECT_UEVENT
            """
        let policy = try TextPolicy.parse(text).policy
        let values = policy.rules.filter { $0.syscall == "setsockopt" }
            .map { $0.conditions.sorted { $0.index < $1.index }.map(\.value) }
        let tcp = try #require(Constants.value(named: "SOL_TCP"))
        let nodelay = try #require(Constants.value(named: "TCP_NODELAY"))
        let solSocket = try #require(Constants.value(named: "SOL_SOCKET"))
        let reuse = try #require(Constants.value(named: "SO_REUSEADDR"))
        #expect(Set(values) == [[tcp, nodelay], [solSocket, reuse]])
        let written = TextPolicy.format(policy)
        #expect(written.contains("TCP_NODELAY"))
        #expect(written.contains("SO_REUSEADDR"))
        #expect(written.contains("NETLINK_KOBJECT_UEVENT"))
        #expect(try TextPolicy.parse(written).policy.rules.count == policy.rules.count)
    }
}
