import RotorCore
import Testing

struct AccountLabelTests {
    /// The email when free, else the email with the first 8 characters of the account id, else a counter.
    @Test(arguments: [
        (Set<String>(), "a@x.io"),
        (["b@x.io"], "a@x.io"),
        (["a@x.io"], "a@x.io (12345678)"),
        (["a@x.io", "a@x.io (12345678)"], "a@x.io (12345678) 2"),
        (["a@x.io", "a@x.io (12345678)", "a@x.io (12345678) 2"], "a@x.io (12345678) 3"),
    ] as [(Set<String>, String)])
    func defaultLabel(taken: Set<String>, expected: String) {
        #expect(AccountLabel.defaultLabel(email: "a@x.io", chatgptAccountID: "12345678-abcd", taken: taken) == expected)
    }

    /// Labels are trimmed; empty or multi-line labels are refused.
    @Test(arguments: [
        ("work", "work"), ("  work  ", "work"), ("my work", "my work"), ("", nil), ("   ", nil), ("a\nb", nil),
    ] as [(String, String?)])
    func validated(input: String, expected: String?) {
        #expect(AccountLabel.validated(input) == expected)
    }
}
