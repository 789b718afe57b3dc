import RotorCore
import Testing

struct UpstreamSilenceTests {
    /// Waiting in whole steps reaches the limit after exactly the limit; the last step is cut to fit.
    @Test func timesOutAfterTheLimitOfWaiting() {
        var silence = UpstreamSilence(limit: .milliseconds(2_500))
        var waited: [Duration] = []
        while let step = silence.nextStep {
            waited.append(step)
            silence.waited(step, of: step)
        }
        #expect(silence.step == .milliseconds(250))
        #expect(waited.count == 10)
        #expect(silence.counted == .milliseconds(2_500))
        #expect(UpstreamSilence(limit: .seconds(300)).step == .seconds(1))
    }

    /// A step that ends late (the process was stopped or starved) counts only its own length.
    @Test func countsAStepThatOverranOnlyForItsLength() {
        var silence = UpstreamSilence(limit: .seconds(1))
        let step = silence.nextStep!
        silence.waited(.seconds(600), of: step)
        #expect(silence.counted == .milliseconds(100))
        #expect(silence.nextStep == .milliseconds(100))
    }

    /// Waits add up across reads until an event completes; time not spent waiting is not counted at all.
    @Test func addsUpWaitsUntilAnEventCompletes() {
        var silence = UpstreamSilence(limit: .seconds(1))
        silence.waited(.milliseconds(40), of: .milliseconds(100))
        silence.waited(.milliseconds(70), of: .milliseconds(100))
        #expect(silence.counted == .milliseconds(110))
        silence.eventCompleted()
        #expect(silence.counted == .zero)
        #expect(silence.nextStep == .milliseconds(100))
    }
}
