// swift-tools-version:5.9
// The Swift package: the generated `BigCartel.swift` (swift/generated/, written by
// `cargo xtask bindings`) over `BigCartelFFI`, the Rust library as an XCFramework.
//
// The XCFramework is not in this repository: no Swift or Apple toolchain runs where it is built.
// On a Mac, from the workspace root, build it beside this file (see the README's "Swift" part):
//   cargo build --release -p bigcartel-uniffi --target aarch64-apple-darwin   (and the iOS targets)
//   xcodebuild -create-xcframework -library <each libbigcartel_uniffi.a> \
//     -headers <folder with BigCartelFFI.h and module.modulemap> -output BigCartelFFI.xcframework
import PackageDescription

let package = Package(
    name: "BigCartel",
    platforms: [.macOS(.v12), .iOS(.v15)],
    products: [
        .library(name: "BigCartel", targets: ["BigCartel"]),
    ],
    targets: [
        // The Rust core: the static library for each platform, with BigCartelFFI.h and its
        // module map (module BigCartelFFI), which BigCartel.swift imports.
        .binaryTarget(name: "BigCartelFFI", path: "BigCartelFFI.xcframework"),
        .target(
            name: "BigCartel",
            dependencies: ["BigCartelFFI"],
            path: "generated",
            exclude: ["BigCartelFFI.h", "BigCartelFFI.modulemap"],
            sources: ["BigCartel.swift"]
        ),
    ]
)
