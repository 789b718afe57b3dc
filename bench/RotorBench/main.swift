import Foundation

// rotor-bench: `swift run -c release rotor-bench <benchmark>`; each benchmark prints its figures next to a direct
// baseline so the overhead of the real code path is visible.

let benchmarks: [any Benchmark.Type] = [
    SelectionBenchmark.self, StoreBenchmark.self, StartupBenchmark.self, ProxyBenchmark.self, PolicyBenchmark.self,
]

let arguments = CommandLine.arguments.dropFirst()
guard let name = arguments.first, let benchmark = benchmarks.first(where: { $0.name == name }) else {
    print("usage: rotor-bench <benchmark>")
    for benchmark in benchmarks { print("  \(benchmark.name)  \(benchmark.summary)") }
    exit(64)
}
await benchmark.run()
