import AsyncHTTPClient
import NIOCore

extension HTTPClient.Configuration {
    /// The client configuration for talking to the OAuth issuer outside the proxy (`rotor accounts add`).
    ///
    /// Connection attempts are not retried: AsyncHTTPClient's default retries a refused connection silently until
    /// the request's whole time limit (30 s for an OAuth call), so an unreachable issuer would look like a hang
    /// before it is reported. Connecting is bounded to 10 s, like the proxy's upstream.
    public static var oauth: HTTPClient.Configuration {
        var pool = HTTPClient.Configuration.ConnectionPool()
        pool.retryConnectionEstablishment = false
        return HTTPClient.Configuration(timeout: .init(connect: .seconds(10)), connectionPool: pool)
    }
}
