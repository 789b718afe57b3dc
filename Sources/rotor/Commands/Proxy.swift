import ArgumentParser
import Foundation
import Logging
import RotorCore
import RotorPlatform
import RotorProxy
import RotorStore

extension Rotor {
    /// `rotor proxy`: the rotation proxy on its own, in the foreground, for scripts and SDKs.
    struct Proxy: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Run the rotation proxy in the foreground until Ctrl-C or SIGTERM.",
            discussion: """
                The first line on stdout says where the proxy listens and where its secret is; with --json it is \
                one JSON object {"url", "port", "secret_file", "healthz", "metrics"}. Clients send \
                'Authorization: Bearer <secret>' (or 'x-api-key: <secret>') to the base URL, e.g. the openai SDK \
                with base_url=<url> and api_key=<secret>. GET /healthz and GET /metrics (Prometheus) take the same \
                secret. Logs go to stderr and to <state dir>/logs/rotor.log.

                Examples:
                  rotor proxy                  Listen on a free port of 127.0.0.1.
                  rotor proxy --port 8787      Listen on a fixed port.
                  rotor proxy --json           Print the first line as JSON, for scripts.
                """
        )

        @Option(help: "The loopback address to listen on: 127.0.0.1 or ::1.")
        var host: String = LoopbackHost.ipv4.rawValue

        @Option(help: "The port to listen on; 0 picks a free one.")
        var port: Int = 0

        @Option(help: "The secret file: read if it exists, else created with mode 0600. (default: <state dir>/proxy.secret)")
        var secretFile: String?

        @Flag(help: "Print the ready line as a JSON object.")
        var json = false

        func validate() throws {
            guard LoopbackHost(literal: host) != nil else {
                throw ValidationError("rotor only listens on loopback: --host must be 127.0.0.1 or ::1, not '\(host)'.")
            }
            guard (0...65_535).contains(port) else {
                throw ValidationError("--port must be between 0 and 65535.")
            }
        }

        func run() async throws {
            let environment = ProcessInfo.processInfo.environment
            let directory = StateDirectory.resolve(environment: environment)
            try directory.prepare()
            try RotorLogging.bootstrap(
                directory: directory,
                destination: .standardErrorAndFile,
                level: try RotorLogging.level(from: environment)
            )
            let secretPath = secretFile ?? directory.proxySecretURL.path
            var configuration = try ProxyConfiguration.fromEnvironment(
                environment,
                secret: try ProxySecret.loadOrCreate(at: secretPath)
            )
            configuration.host = LoopbackHost(literal: host) ?? .ipv4
            configuration.port = port
            let store = try AccountStore(directory: directory)
            configuration.routingPolicy = try .configured(environment: environment, accounts: try store.accounts())
            let signals = await TerminationSignals.trap()
            try await withRotationProxy(configuration, store: store, directory: directory, logger: Logger(label: "rotor")) {
                endpoint in
                // A closed stdout is no reason to stop serving: the ready line is a courtesy to scripts.
                try? DescriptorOutput.writeAll(
                    ProxyReadyLine.render(endpoint, secretFile: secretPath, json: json) + "\n",
                    to: DescriptorOutput.standardOutput
                )
                await signals.wait()
            }
        }
    }
}
