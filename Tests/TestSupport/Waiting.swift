import Foundation

/// Waits until `condition` holds, checking it every `interval` seconds, for at most `timeout`
/// seconds; returns whether it held. The tests wait for what they need (a file, a process state,
/// a line on the screen) instead of sleeping for a fixed time.
@discardableResult
public func waitFor(timeout: Double = 10, interval: Double = 0.01, _ condition: () throws -> Bool) rethrows -> Bool {
    let deadline = Date().addingTimeInterval(timeout)
    while Date() < deadline {
        if try condition() { return true }
        usleep(useconds_t(interval * 1_000_000))
    }
    return try condition()
}
