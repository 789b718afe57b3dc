extension InboundConnection {
    /// One client connection's waits: a value the shell owns and drives (see ``InboundConnection``).
    ///
    /// Invariants: a timer runs exactly while the client keeps rotor waiting — for the first request head (from the
    /// start), for a later head (from its first byte), between requests, or within a body — and never while rotor
    /// answers; a connection that never delivered a head is always under the head timer. After a timeout nothing
    /// more is read, and nothing is written but the answer to a failed body.
    public struct StateMachine: Hashable, Sendable {
        private enum Reading: Hashable, Sendable {
            /// No byte of the next request has arrived.
            case betweenRequests
            /// Bytes of a request head have arrived, not the whole head yet.
            case head
            /// A head has arrived, not the end of its body yet.
            case body
        }

        private var started = false
        private var reading = Reading.betweenRequests
        /// Complete request heads received.
        private var heads = 0
        /// Responses written to their end, each to a request received (so at most `heads`).
        private var answered = 0
        /// A final response head has been written, not its end yet.
        private var responding = false
        /// A response said `Connection: close`.
        private var closeAfterResponse = false
        /// The body timer ran out and the body was failed: only the answer to it remains to be written.
        private var bodyFailed = false
        /// The connection is closed or closes after the write in progress.
        private var closing = false
        /// The timer the shell runs.
        private var running: Timer?

        /// A connection not started yet.
        public init() {}

        /// Whether a complete request head has arrived on this connection: it is a working client.
        public var hasDeliveredHead: Bool { heads > 0 }

        /// The connection is open: the first head's deadline starts now.
        public mutating func connectionStarted() -> Action {
            guard !started else { return .none }
            started = true
            return settle()
        }

        /// Bytes arrived, not decoded yet: on a connection between requests, a new head has started.
        public mutating func bytesReceived() -> Action {
            guard !closing, !bodyFailed else { return .none }
            if reading == .betweenRequests {
                reading = .head
            }
            return settle()
        }

        /// A complete request head was decoded.
        public mutating func headReceived() -> ReadDecision {
            guard !closing, !bodyFailed else { return .drop }
            heads += 1
            reading = .body
            return .deliver(settle())
        }

        /// A piece of request body was decoded: the body timer starts over.
        public mutating func bodyReceived() -> ReadDecision {
            guard !closing, !bodyFailed else { return .drop }
            return .deliver(settle(restarting: .requestBody))
        }

        /// The end of a request was decoded.
        public mutating func requestEnded() -> ReadDecision {
            guard !closing, !bodyFailed else { return .drop }
            reading = .betweenRequests
            return .deliver(settle())
        }

        /// A final (not 1xx) response head is being written; `closesConnection` when it says `Connection: close`.
        public mutating func responseHeadWritten(closesConnection: Bool) -> WriteDecision {
            guard !closing else { return .fail }
            responding = true
            closeAfterResponse = closeAfterResponse || closesConnection
            return .write(settle())
        }

        /// A piece of response body is being written.
        public mutating func responseBodyWritten() -> WriteDecision {
            closing ? .fail : .write(.none)
        }

        /// The end of a response is being written: the connection closes after it when the response said so or
        /// answered a failed body; otherwise the next wait starts.
        public mutating func responseEnded() -> WriteDecision {
            guard !closing else { return .fail }
            responding = false
            answered = min(answered + 1, heads)
            if closeAfterResponse || bodyFailed {
                closing = true
                running = nil
                return .writeThenClose
            }
            return .write(settle())
        }

        /// `timer` ran out. A timer that is no longer the running one changes nothing.
        public mutating func timerFired(_ timer: Timer) -> Action {
            guard timer == running, !closing else { return .none }
            running = nil
            if timer == .requestBody, !responding, answered < heads {
                bodyFailed = true
                return .failRequestBody
            }
            closing = true
            return .close
        }

        /// The timer that bounds the client's current wait, if the client keeps rotor waiting at all.
        private var dueTimer: Timer? {
            if closing || bodyFailed { return nil }
            if heads == 0 { return .requestHead }
            switch reading {
            // Behind an earlier request still being answered (pipelining) the body waits for rotor, not the client.
            case .body: return answered < heads - 1 ? nil : .requestBody
            case .head: return answered < heads ? nil : .requestHead
            case .betweenRequests: return answered < heads ? nil : .keepAlive
            }
        }

        /// Makes the running timer the due one: starts it when it changed (or is `restarted`), stops it when none
        /// is due.
        private mutating func settle(restarting restarted: Timer? = nil) -> Action {
            let due = dueTimer
            defer { running = due }
            guard let due else { return running == nil ? .none : .stopTimer }
            return due == running && due != restarted ? .none : .startTimer(due)
        }
    }
}
