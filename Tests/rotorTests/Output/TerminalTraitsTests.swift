import Testing

@testable import rotor

/// Colour and redrawing from whether stdout is a terminal and from the environment.
struct TerminalTraitsTests {
    struct Case: Sendable, CustomTestStringConvertible {
        var isTerminal: Bool
        var environment: [String: String]
        var style: TextStyle
        var redraws: Bool
        var testDescription: String { "terminal: \(isTerminal), \(environment)" }
    }

    @Test(arguments: [
        Case(isTerminal: true, environment: ["TERM": "xterm-256color"], style: .styled, redraws: true),
        Case(isTerminal: true, environment: [:], style: .styled, redraws: true),
        Case(isTerminal: true, environment: ["NO_COLOR": ""], style: .styled, redraws: true),
        Case(isTerminal: true, environment: ["NO_COLOR": "1"], style: .plain, redraws: true),
        Case(isTerminal: true, environment: ["TERM": "dumb"], style: .plain, redraws: false),
        Case(isTerminal: false, environment: ["TERM": "xterm-256color"], style: .plain, redraws: false),
        Case(isTerminal: false, environment: ["NO_COLOR": "1"], style: .plain, redraws: false),
    ])
    func decidesFromTheTerminalAndTheEnvironment(_ row: Case) {
        let traits = TerminalTraits(isTerminal: row.isTerminal, environment: row.environment)
        #expect(traits.style == row.style)
        #expect(traits.redrawsInPlace == row.redraws)
    }

    /// Plain text is left as it is; styled text is wrapped in an ANSI rendition and a reset.
    @Test func paintsOnlyStyledText() {
        #expect(TextStyle.plain.paint("ready", .green) == "ready")
        #expect(TextStyle.styled.paint("ready", .green) == "\u{1B}[32mready\u{1B}[0m")
    }
}
