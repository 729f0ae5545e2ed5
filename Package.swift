// swift-tools-version:6.0
import PackageDescription

// Linux only: seccomp, ptrace and perf_event_open are Linux interfaces.
#if !os(Linux)
#error("seccomp-tui builds on Linux only")
#endif

let package = Package(
    name: "seccomp-tui",
    products: [
        .executable(name: "seccomp-tui", targets: ["seccomp-tui"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    ],
    targets: [
        .systemLibrary(name: "CNcurses", path: "Sources/CNcurses"),
        .target(
            name: "CTraceCapture",
            path: "Sources/CTraceCapture",
            cSettings: [.define("_GNU_SOURCE")]
        ),
        .target(name: "PolicyModel", path: "Sources/PolicyModel"),
        .target(
            name: "TraceCapture",
            dependencies: ["PolicyModel", "CTraceCapture"],
            path: "Sources/TraceCapture"
        ),
        .target(
            name: "TUI",
            dependencies: ["PolicyModel", "TraceCapture"],
            path: "Sources/TUI"
        ),
        .target(
            name: "CursesTerminal",
            dependencies: ["TUI", "TraceCapture", "CNcurses"],
            path: "Sources/CursesTerminal"
        ),
        .executableTarget(
            name: "seccomp-tui",
            dependencies: [
                "PolicyModel", "TraceCapture", "TUI", "CursesTerminal",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Sources/seccomp-tui"
        ),
        .target(name: "TestSupport", dependencies: ["PolicyModel"], path: "Tests/TestSupport"),
        .testTarget(name: "PolicyModelTests", dependencies: ["PolicyModel", "TestSupport"], path: "Tests/PolicyModelTests",
                    resources: [.copy("Fixtures")]),
        .testTarget(name: "TraceCaptureTests", dependencies: ["TraceCapture", "PolicyModel", "CTraceCapture", "TestSupport"],
                    path: "Tests/TraceCaptureTests"),
        .testTarget(name: "TUITests", dependencies: ["TUI", "PolicyModel", "TraceCapture", "TestSupport"],
                    path: "Tests/TUITests", exclude: ["Snapshots", "Recordings"]),
        .testTarget(name: "SeccompTUITests", dependencies: ["TUI", "PolicyModel", "TraceCapture", "TestSupport"],
                    path: "Tests/SeccompTUITests"),
    ]
)
