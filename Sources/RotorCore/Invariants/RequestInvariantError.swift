/// Why a create-response request body cannot be forwarded; the proxy answers it with HTTP 400.
public struct RequestInvariantError: Error, Hashable, Sendable, CustomStringConvertible {
    private enum Code: String, Hashable, Sendable {
        case invalidJSON = "invalid_json"
        case notAnObject = "invalid_request_body"
        case invalidMember = "invalid_request_member"
        case duplicateMember = "duplicate_request_member"
        case previousResponseID = "previous_response_id_unsupported"
    }

    private let code: Code
    /// One sentence saying what is wrong and what to do.
    public let message: String

    private init(_ code: Code, _ message: String) {
        self.code = code
        self.message = message
    }

    /// The stable error code sent in the JSON error body and logged (no associated values).
    public var errorCode: String { code.rawValue }

    public var description: String { message }

    /// The body is not valid JSON (RFC 8259); `error` says at which byte and what the grammar allows there.
    public static func invalidJSON(_ error: JSONScanError) -> Self {
        .init(
            .invalidJSON,
            "The request body is not valid JSON at byte \(error.offset): expected \(error.expected); "
                + "send a valid JSON object."
        )
    }

    /// The body is JSON but not an object.
    public static func notAnObject(_ error: JSONScanError) -> Self {
        .init(.notAnObject, "The request body must be a JSON object (\(error)).")
    }

    /// A member rotor reads has the wrong type, e.g. `"stream": "yes"`.
    public static func invalidMember(_ name: String, expected: String) -> Self {
        .init(.invalidMember, "The request member '\(name)' must be \(expected).")
    }

    /// A member rotor rewrites appears more than once.
    public static func duplicateMember(_ name: String) -> Self {
        .init(.duplicateMember, "The request member '\(name)' appears more than once; send it once.")
    }

    /// The client sent `previous_response_id`, which cannot work without stored responses.
    public static var previousResponseID: Self {
        .init(
            .previousResponseID,
            "previous_response_id is not supported: rotor sends every request with store=false, so no response "
                + "is stored upstream; resend the full conversation in 'input' instead."
        )
    }
}
