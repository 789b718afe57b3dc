import RotorLauncher
import Testing

@Suite struct ExitStatusTests {
    /// A wait status decodes to the child's exit code, or to the signal that killed it (128 + N).
    @Test(arguments: [
        (waitStatus: Int32(0x0000), expected: ExitStatus.exited(0), code: Int32(0)),
        (waitStatus: 0x0300, expected: .exited(3), code: 3),
        (waitStatus: 0xff00, expected: .exited(255), code: 255),
        (waitStatus: 0x000f, expected: .signaled(.terminate), code: 143),
        (waitStatus: 0x0009, expected: .signaled(.kill), code: 137),
        (waitStatus: 0x0002, expected: .signaled(.interrupt), code: 130),
        (waitStatus: 0x0083, expected: .signaled(.quit), code: 131),  // 0x80: core dumped
    ])
    func decodesWaitStatus(waitStatus: Int32, expected: ExitStatus, code: Int32) {
        let status = ExitStatus(waitStatus: waitStatus)
        #expect(status == expected)
        #expect(status.code == code)
    }

    /// A real child's exit code and its death by signal come back as the shell reports them.
    @Test(arguments: [
        (script: "exit 0", expected: ExitStatus.exited(0)),
        (script: "exit 3", expected: .exited(3)),
        (script: "exit 255", expected: .exited(255)),
        (script: "kill -TERM $$", expected: .signaled(.terminate)),
        (script: "kill -KILL $$", expected: .signaled(.kill)),
        (script: "kill -HUP $$", expected: .signaled(.hangUp)),
    ])
    func realChildStatus(script: String, expected: ExitStatus) async throws {
        let child = try await ChildProcess.spawn(ShellChild.command(script))
        let status = try await ShellChild.waitBounded(child)
        #expect(status == expected)
    }
}
