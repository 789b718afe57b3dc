import Foundation
import HTTPTypes
import RotorCore

/// The checks every request passes before anything else, on every path, in this order: the proxy secret (401),
/// exactly one `Host` line (400) on the allowlist (403), no `Origin` (403), no `CONNECT` (405), no absolute-form
/// target (400), and a declared body within the cap (413). Why each exists is in docs/proxy.md.
struct RequestGuard: Sendable {
    /// The secret clients must present.
    var secret: ProxySecret
    /// The port the proxy is bound to, part of every allowed `Host`.
    var port: Int
    /// The largest body accepted.
    var maxBodyBytes: Int

    /// The answer that refuses `head`, or `nil` when it may proceed.
    func rejection(for head: HTTPRequest) -> ProxyAnswer? {
        guard presentsSecret(head.headerFields) else { return .unauthorized }
        if head.headerFields[RequestHeadInspector.severalHostsMarker] != nil { return .severalHosts }
        guard let authority = head.authority, allowedHosts.contains(authority.lowercased()) else {
            return .forbiddenHost
        }
        if head.headerFields[.origin] != nil { return .forbiddenOrigin }
        if head.method == .connect { return .connectNotAllowed }
        if head.headerFields[RequestHeadInspector.absoluteFormMarker] != nil { return .absoluteForm }
        if let declared = head.headerFields[.contentLength].flatMap(Int.init), declared > maxBodyBytes {
            return .bodyTooLarge(limit: maxBodyBytes)
        }
        return nil
    }

    private var allowedHosts: Set<String> {
        ["127.0.0.1:\(port)", "localhost:\(port)", "[::1]:\(port)"]
    }

    /// `Authorization: Bearer <secret>` or `x-api-key: <secret>`, compared in constant time.
    private func presentsSecret(_ fields: HTTPFields) -> Bool {
        var matched = false
        for value in fields[values: .authorization] {
            let parts = value.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            if parts.count == 2, parts[0].lowercased() == "bearer",
                secret.matches(parts[1].trimmingCharacters(in: .whitespaces))
            {
                matched = true
            }
        }
        for value in fields[values: Self.apiKey] where secret.matches(value.trimmingCharacters(in: .whitespaces)) {
            matched = true
        }
        return matched
    }

    private static let apiKey = HTTPField.Name("x-api-key")!
}
