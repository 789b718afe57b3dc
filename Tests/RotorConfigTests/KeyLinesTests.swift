@testable import RotorConfig
import Testing

struct KeyLinesTests {
    @Test func headersDottedKeysAndInlineTablesHaveTheirLines() {
        let text = """
            # a comment with [brackets] and = signs
            [routing]
            strategy = "drain" # trailing
            reserve = { "5h" = 10, weekly = 20 }
            routing2.a.b = 1

            [accounts."work"]
            priority = 2
            reserve = {
              "2d" = 5,
            }
            [accounts.'me@x.io']
            reserve.90m = 1
            [ accounts . "a \\"b\\"" ]
            priority = 3
            """
        let keyLines = KeyLines(scanning: text)
        #expect(keyLines.line(of: ["routing"]) == 2)
        #expect(keyLines.line(of: ["routing", "strategy"]) == 3)
        #expect(keyLines.line(of: ["routing", "reserve"]) == 4)
        #expect(keyLines.line(of: ["routing", "reserve", "5h"]) == 4)
        #expect(keyLines.line(of: ["routing", "reserve", "weekly"]) == 4)
        #expect(keyLines.line(of: ["routing", "routing2", "a", "b"]) == 5)
        #expect(keyLines.line(of: ["accounts"]) == 7)
        #expect(keyLines.line(of: ["accounts", "work"]) == 7)
        #expect(keyLines.line(of: ["accounts", "work", "priority"]) == 8)
        #expect(keyLines.line(of: ["accounts", "work", "reserve", "2d"]) == 10)
        #expect(keyLines.line(of: ["accounts", "me@x.io"]) == 12)
        #expect(keyLines.line(of: ["accounts", "me@x.io", "reserve", "90m"]) == 13)
        #expect(keyLines.line(of: ["accounts", "a \"b\"", "priority"]) == 15)
    }

    /// Strings that span lines, or hold `#`, `[` or `=`, do not shift the lines of the keys after them.
    @Test func stringsAndArraysAreSkipped() {
        let text = #"""
            a = """
            [not.a.header]
            b = 1
            """
            c = '''x = 1
            '''
            d = [ "#", { e = 1 },
              [1, 2] ] # ]
            "f\u0067" = "\"[g]"
            last = 1
            """#
        let keyLines = KeyLines(scanning: text)
        #expect(keyLines.line(of: ["a"]) == 1)
        #expect(keyLines.lines[["not"]] == nil)
        #expect(keyLines.lines[["b"]] == nil)
        #expect(keyLines.line(of: ["c"]) == 5)
        #expect(keyLines.line(of: ["d"]) == 7)
        #expect(keyLines.lines[["d", "e"]] == nil)
        #expect(keyLines.line(of: ["fg"]) == 9)
        #expect(keyLines.line(of: ["last"]) == 10)
    }

    /// A key the scan did not find has its nearest recorded parent's line, else line 1.
    @Test func anUnknownKeyHasItsParentsLine() {
        let keyLines = KeyLines(scanning: "\n[routing]\n")
        #expect(keyLines.line(of: ["routing", "strategy"]) == 2)
        #expect(keyLines.line(of: ["elsewhere"]) == 1)
    }
}
