// swift-tools-version: 6.1
import PackageDescription

let swiftSettings: [SwiftSetting] = [
  .swiftLanguageMode(.v6)
]

let package = Package(
  name: "WSLab",
  platforms: [.macOS(.v13)],
  products: [
    .library(name: "Trace", targets: ["Trace"]),
    .library(name: "DeflateReader", targets: ["DeflateReader"]),
    .library(name: "Framing", targets: ["Framing"]),
    .library(name: "Handshake", targets: ["Handshake"]),
    .library(name: "Deflate", targets: ["Deflate"]),
    .library(name: "Connection", targets: ["Connection"]),
    .library(name: "Server", targets: ["Server"]),
    .executable(name: "wslab", targets: ["wslab"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
    .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
    .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    // Scale-out (`wslab serve --cluster postgres://…`): LISTEN/NOTIFY and queries.
    .package(url: "https://github.com/vapor/postgres-nio", from: "1.33.2"),
    // Lesson 8 makes its own test certificate (X.509, Ed25519).
    .package(url: "https://github.com/apple/swift-certificates", from: "1.21.1"),
    .package(url: "https://github.com/apple/swift-asn1", from: "1.7.4"),
  ],
  targets: [
    // Sans-IO layers (DESIGN.md): no I/O, no clock, no threads.
    .target(name: "Trace", swiftSettings: swiftSettings),
    // A DEFLATE (RFC 1951) reader that names every element of a stream: lesson 4's bit-by-bit
    // view, and an inflater for the tests that shares no code with zlib.
    .target(name: "DeflateReader", dependencies: ["Trace"], swiftSettings: swiftSettings),
    .target(
      name: "Framing",
      dependencies: ["Trace", .product(name: "NIOCore", package: "swift-nio")],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "Handshake",
      dependencies: [
        "Trace",
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    // The system zlib (Debian: zlib1g-dev; `make test` installs it when zlib.h is missing).
    .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
    .target(
      name: "Deflate",
      dependencies: ["CZlib", "Trace", .product(name: "NIOCore", package: "swift-nio")],
      swiftSettings: swiftSettings
    ),
    .target(
      name: "Connection",
      dependencies: ["Trace", "Framing", "Handshake", "Deflate", .product(name: "NIOCore", package: "swift-nio")],
      swiftSettings: swiftSettings
    ),

    // The network: SwiftNIO transport for the server and the client, ws:// and wss://.
    .target(
      name: "Server",
      dependencies: [
        "Connection", "Handshake", "Framing", "Deflate", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOHTTP1", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
        .product(name: "NIOSSL", package: "swift-nio-ssl"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "PostgresNIO", package: "postgres-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    // The exercises of every lesson, with answers the codec computes when `wslab check` runs.
    .target(
      name: "Workshop",
      dependencies: [
        "Server", "Connection", "Deflate", "DeflateReader", "Framing", "Handshake", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "wslab",
      dependencies: [
        "Server", "Connection", "Deflate", "Trace", "Workshop",
        // The shared Chinese catalog, for `--lang zh-CN` traces.
        "LessonSupport",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Logging", package: "swift-log"),
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),

    // Shared helpers for the lesson executables (headings, prose, pauses, colour choice).
    .target(
      name: "LessonSupport",
      dependencies: ["Trace", "Workshop"],
      path: "Lessons/Support",
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "Lesson01",
      dependencies: [
        "LessonSupport", "Handshake", "Framing", "Trace",
        // Only to show what the common MD5 mistake would produce; the Handshake layer uses SHA-1.
        .product(name: "Crypto", package: "swift-crypto"),
      ],
      path: "Lessons/01-handshake",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "Lesson02",
      dependencies: [
        "LessonSupport", "Connection", "Framing", "Handshake", "Trace", .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/02-framing",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "Lesson03",
      dependencies: [
        "LessonSupport", "Connection", "Handshake", "Framing", "Trace", .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/03-connection",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "Lesson04",
      dependencies: [
        "LessonSupport", "Connection", "Deflate", "DeflateReader", "Handshake", "Framing", "Trace", "Workshop",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/04-deflate",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "Lesson05",
      dependencies: [
        "LessonSupport", "Server", "Connection", "Deflate", "Framing", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/05-server",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),
    .executableTarget(
      name: "Lesson06",
      dependencies: [
        "LessonSupport", "Server", "Connection", "Deflate", "Framing", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/06-vs-long-polling",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "Lesson07",
      dependencies: [
        "LessonSupport", "Server", "Framing", "Trace", .product(name: "NIOCore", package: "swift-nio"),
      ],
      path: "Lessons/07-scale-out",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),

    .executableTarget(
      name: "Lesson08",
      dependencies: [
        "LessonSupport", "Server", "Connection", "Deflate", "Framing", "Handshake", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "Crypto", package: "swift-crypto"),
        .product(name: "X509", package: "swift-certificates"),
        .product(name: "SwiftASN1", package: "swift-asn1"),
      ],
      path: "Lessons/08-security",
      exclude: ["README.md", "README.zh-CN.md"],
      swiftSettings: swiftSettings
    ),

    .testTarget(name: "TraceTests", dependencies: ["Trace"], swiftSettings: swiftSettings),
    .testTarget(name: "WorkshopTests", dependencies: ["Workshop"], swiftSettings: swiftSettings),
    .testTarget(
      name: "DeflateReaderTests", dependencies: ["DeflateReader", "Trace", "CZlib"], swiftSettings: swiftSettings),
    .testTarget(
      name: "DeflateTests",
      dependencies: [
        "Deflate", "DeflateReader", "CZlib", "Trace", "Handshake", .product(name: "NIOCore", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "FramingTests",
      dependencies: ["Framing", "Trace", .product(name: "NIOCore", package: "swift-nio")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "HandshakeTests",
      dependencies: ["Handshake", "Trace"],
      resources: [.copy("Fixtures")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ConnectionTests",
      dependencies: ["Connection", "Framing", "Handshake", "Trace", .product(name: "NIOCore", package: "swift-nio")],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "ServerTests",
      dependencies: [
        "Server", "Connection", "Deflate", "Framing", "Handshake", "Trace",
        .product(name: "NIOCore", package: "swift-nio"),
        .product(name: "NIOPosix", package: "swift-nio"),
        .product(name: "NIOConcurrencyHelpers", package: "swift-nio"),
      ],
      swiftSettings: swiftSettings
    ),
    .testTarget(
      name: "LessonTests",
      dependencies: [
        "Lesson01", "Lesson02", "Lesson03", "Lesson04", "Lesson05", "Lesson06", "Lesson07", "Lesson08", "wslab",
        "Trace", "LessonSupport",
      ],
      resources: [.copy("Golden")],
      swiftSettings: swiftSettings
    ),
  ]
)

// libFuzzer targets (Fuzz/, `make fuzz`), only when WSLAB_FUZZ is set: scripts/fuzz.sh builds them
// in their own scratch path with `-sanitize=fuzzer,address -parse-as-library` (libFuzzer supplies
// `main`), which an ordinary build must not get.
if Context.environment["WSLAB_FUZZ"] != nil {
  package.targets.append(.target(name: "FuzzSupport", path: "Fuzz/Support", swiftSettings: swiftSettings))
  for name in [
    "FuzzFrameDecoder", "FuzzServerHandshake", "FuzzClientHandshake", "FuzzExtensions", "FuzzInflate",
    "FuzzConnection", "FuzzDeflateDissector", "FuzzDecode",
  ] {
    package.targets.append(
      .executableTarget(
        name: name,
        dependencies: [
          "FuzzSupport", "Framing", "Handshake", "Deflate", "DeflateReader", "Connection", "Trace",
          .product(name: "NIOCore", package: "swift-nio"),
        ],
        path: "Fuzz/\(name)",
        swiftSettings: swiftSettings
      ))
  }
}
