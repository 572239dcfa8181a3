// swift-tools-version: 6.1
// WSLab's benchmarks: its own package, so `make test` never builds it.
//   Micro        microbenchmarks (ordo-one/benchmark): `swift package benchmark` (Benchmarks/Micro)
//   Loader       end-to-end load generator on SwiftNIO (raw WebSocket, raw TCP, long polling)
//   PeerNIOEcho  the reference: a minimal NIOWebSocket echo server
//   PeerTCPEcho  SwiftNIO's ceiling: a raw TCP echo server (CEcho/echo.c, built by bench.sh, is the machine's)
//   PeerAsyncEcho the README's async/await echo server on WSLab's library
//   Report       results/latest.md, latest.json, latest.svg from the loader's raw results
// `make bench` / `make bench-quick` in the repository root run the end-to-end suite (scripts/bench.sh).
import PackageDescription

// The end-to-end tools are small programs around SwiftNIO handlers; Swift 5 mode keeps them plain.
let e2eSettings: [SwiftSetting] = [.swiftLanguageMode(.v5)]

let package = Package(
  name: "WSLabBenchmarks",
  platforms: [.macOS(.v13)],
  dependencies: [
    .package(name: "WSLab", path: ".."),
    .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift", from: "0.2.0"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
  ],
  targets: [
    .executableTarget(
      name: "Micro",
      dependencies: [
        .product(name: "Benchmark", package: "benchmark"),
        .product(name: "Framing", package: "WSLab"),
        .product(name: "Handshake", package: "WSLab"),
        .product(name: "Deflate", package: "WSLab"),
        .product(name: "Connection", package: "WSLab"),
        .product(name: "Trace", package: "WSLab"),
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Benchmarks/Micro",
      plugins: [.plugin(name: "BenchmarkPlugin", package: "benchmark")]
    ),

    // End-to-end on loopback.
    .target(name: "BenchCommon", path: "Sources/BenchCommon"),
    .executableTarget(
      name: "PeerNIOEcho",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOWebSocket", package: "swift-nio"),
      ],
      path: "Sources/PeerNIOEcho",
      swiftSettings: e2eSettings
    ),
    .executableTarget(
      name: "PeerAsyncEcho",
      dependencies: [.product(name: "Server", package: "WSLab")],
      path: "Sources/PeerAsyncEcho",
      swiftSettings: e2eSettings
    ),
    .executableTarget(
      name: "PeerTCPEcho",
      dependencies: [
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
      ],
      path: "Sources/PeerTCPEcho",
      swiftSettings: e2eSettings
    ),
    .executableTarget(
      name: "Loader",
      dependencies: [
        "BenchCommon",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "Framing", package: "WSLab"),
        .product(name: "Server", package: "WSLab"),
        .product(name: "Deflate", package: "WSLab"),
        .product(name: "Histogram", package: "hdrhistogram-swift"),
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/Loader",
      swiftSettings: e2eSettings
    ),
    .executableTarget(
      name: "Report",
      dependencies: [
        "BenchCommon",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
      ],
      path: "Sources/Report",
      swiftSettings: e2eSettings
    ),
  ]
)
