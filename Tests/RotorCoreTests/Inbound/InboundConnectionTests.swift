import RotorCore
import Testing

/// ``InboundConnection/StateMachine``: which timer bounds which of the client's waits, and what a timeout does.
struct InboundConnectionTests {
    private typealias Machine = InboundConnection.StateMachine

    /// A machine that has served one request and waits, kept alive, for the next.
    private static func keptAlive() -> Machine {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.bytesReceived()
        _ = machine.headReceived()
        _ = machine.requestEnded()
        _ = machine.responseHeadWritten(closesConnection: false)
        _ = machine.responseEnded()
        return machine
    }

    /// The first request: the head timer runs from the start and bytes of the head do not restart it; the head
    /// switches to the body timer, which every piece of body restarts; once the request is read rotor answers and no
    /// timer runs; after the answer the keep-alive timer runs.
    @Test func firstRequest() {
        var machine = Machine()
        #expect(machine.connectionStarted() == .startTimer(.requestHead))
        #expect(machine.connectionStarted() == .none, "reported twice (handler added to an active channel)")
        #expect(machine.bytesReceived() == .none)
        #expect(machine.bytesReceived() == .none)
        #expect(!machine.hasDeliveredHead)
        #expect(machine.headReceived() == .deliver(.startTimer(.requestBody)))
        #expect(machine.hasDeliveredHead)
        #expect(machine.bodyReceived() == .deliver(.startTimer(.requestBody)))
        #expect(machine.bodyReceived() == .deliver(.startTimer(.requestBody)))
        #expect(machine.requestEnded() == .deliver(.stopTimer))
        #expect(machine.responseHeadWritten(closesConnection: false) == .write(.none))
        #expect(machine.responseBodyWritten() == .write(.none))
        #expect(machine.responseEnded() == .write(.startTimer(.keepAlive)))
    }

    /// Between requests only the keep-alive timer runs; the first byte of the next head starts the head timer,
    /// further bytes do not restart it.
    @Test func laterRequest() {
        var machine = Self.keptAlive()
        #expect(machine.bytesReceived() == .startTimer(.requestHead))
        #expect(machine.bytesReceived() == .none)
        #expect(machine.headReceived() == .deliver(.startTimer(.requestBody)))
        #expect(machine.requestEnded() == .deliver(.stopTimer))
        #expect(machine.responseHeadWritten(closesConnection: false) == .write(.none))
        #expect(machine.responseEnded() == .write(.startTimer(.keepAlive)))
    }

    /// The head timer and the keep-alive timer close the connection without an answer; then nothing more is read
    /// or written.
    @Test(arguments: [false, true])
    func headAndKeepAliveTimeoutsClose(keptAlive: Bool) {
        var machine = keptAlive ? Self.keptAlive() : Machine()
        let timer: InboundConnection.Timer = keptAlive ? .keepAlive : .requestHead
        _ = machine.connectionStarted()
        #expect(machine.timerFired(timer) == .close)
        #expect(machine.timerFired(timer) == .none)
        #expect(machine.bytesReceived() == .none)
        #expect(machine.headReceived() == .drop)
        #expect(machine.responseHeadWritten(closesConnection: false) == .fail)
        #expect(machine.responseEnded() == .fail)
    }

    /// A head that started on a kept-alive connection and stalls is closed by the head timer.
    @Test func stalledLaterHeadCloses() {
        var machine = Self.keptAlive()
        _ = machine.bytesReceived()
        #expect(machine.timerFired(.keepAlive) == .none, "the keep-alive timer stopped when the head started")
        #expect(machine.timerFired(.requestHead) == .close)
    }

    /// A body that stalls before rotor answered is failed, so the responder answers 408; nothing more is read, the
    /// answer is written, and the connection closes once it is.
    @Test func stalledBodyIsAnsweredThenClosed() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        _ = machine.bodyReceived()
        #expect(machine.timerFired(.requestBody) == .failRequestBody)
        #expect(machine.bodyReceived() == .drop)
        #expect(machine.requestEnded() == .drop)
        #expect(machine.bytesReceived() == .none)
        #expect(machine.responseHeadWritten(closesConnection: true) == .write(.none))
        #expect(machine.responseBodyWritten() == .write(.none))
        #expect(machine.responseEnded() == .writeThenClose)
        #expect(machine.responseBodyWritten() == .fail)
    }

    /// A body that stalls after rotor has answered (refused before reading it) keeps the body timer running while
    /// the rest is drained, and closes the connection unanswered when it runs out.
    @Test func stalledBodyAfterTheAnswerCloses() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        #expect(machine.responseHeadWritten(closesConnection: false) == .write(.none))
        #expect(machine.responseEnded() == .write(.none), "the body timer keeps running")
        #expect(machine.bodyReceived() == .deliver(.startTimer(.requestBody)))
        #expect(machine.timerFired(.requestBody) == .close)
    }

    /// A body that stalls while its answer is being written closes the connection: a 408 cannot follow.
    @Test func stalledBodyDuringTheAnswerCloses() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        _ = machine.responseHeadWritten(closesConnection: false)
        #expect(machine.timerFired(.requestBody) == .close)
    }

    /// A response saying `Connection: close` closes the connection once it is written, read or not.
    @Test func connectionCloseResponseCloses() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        #expect(machine.responseHeadWritten(closesConnection: true) == .write(.none))
        #expect(machine.responseEnded() == .writeThenClose)
        #expect(machine.bodyReceived() == .drop)
    }

    /// A response to no request (Hummingbird's answer to bytes that are not HTTP) leaves the first head's timer
    /// running.
    @Test func answerWithoutARequestKeepsTheHeadTimer() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.bytesReceived()
        #expect(machine.responseHeadWritten(closesConnection: false) == .write(.none))
        #expect(machine.responseEnded() == .write(.none))
        #expect(machine.timerFired(.requestHead) == .close)
    }

    /// A timer that is not the running one (it was replaced) changes nothing.
    @Test func staleTimersChangeNothing() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        #expect(machine.timerFired(.requestHead) == .none)
        #expect(machine.timerFired(.keepAlive) == .none)
        #expect(machine.requestEnded() == .deliver(.stopTimer))
        #expect(machine.timerFired(.requestBody) == .none, "no timer runs while rotor answers")
    }

    /// Pipelined requests: while an earlier request is being answered no timer runs, whatever the client sends;
    /// the next wait is bounded once the earlier answer is written.
    @Test func pipelinedRequests() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        #expect(machine.requestEnded() == .deliver(.stopTimer))
        #expect(machine.bytesReceived() == .none)
        #expect(machine.headReceived() == .deliver(.none))
        #expect(machine.bodyReceived() == .deliver(.none))
        _ = machine.responseHeadWritten(closesConnection: false)
        #expect(machine.responseEnded() == .write(.startTimer(.requestBody)), "now the second body is awaited")
        #expect(machine.requestEnded() == .deliver(.stopTimer))
        _ = machine.responseHeadWritten(closesConnection: false)
        #expect(machine.responseEnded() == .write(.startTimer(.keepAlive)))
    }

    /// A partial head behind an answer in progress gets the head timer once the answer is written.
    @Test func headStartedDuringAnAnswer() {
        var machine = Machine()
        _ = machine.connectionStarted()
        _ = machine.headReceived()
        _ = machine.requestEnded()
        #expect(machine.bytesReceived() == .none)
        _ = machine.responseHeadWritten(closesConnection: false)
        #expect(machine.responseEnded() == .write(.startTimer(.requestHead)))
    }
}
