/// The rule that names a new account: labels are unique, and default to the email.
public enum AccountLabel {
    /// The label a new account gets when the user chose none: its email, or `<email> (<first 8 characters of the
    /// ChatGPT account id>)` when another account already holds the email as its label.
    ///
    /// Should that be taken too, a counter is appended (`… (abcd1234) 2`), so the result is never in `taken`.
    public static func defaultLabel(email: String, chatgptAccountID: String, taken: Set<String>) -> String {
        guard taken.contains(email) else { return email }
        let qualified = "\(email) (\(chatgptAccountID.prefix(8)))"
        guard taken.contains(qualified) else { return qualified }
        var counter = 2
        while taken.contains("\(qualified) \(counter)") {
            counter += 1
        }
        return "\(qualified) \(counter)"
    }

    /// A label as the user typed it, trimmed; `nil` if it is empty or spans several lines.
    public static func validated(_ label: String) -> String? {
        let trimmed = String(label.drop(while: \.isWhitespace).reversed().drop(while: \.isWhitespace).reversed())
        guard !trimmed.isEmpty, !trimmed.contains(where: \.isNewline) else { return nil }
        return trimmed
    }
}
