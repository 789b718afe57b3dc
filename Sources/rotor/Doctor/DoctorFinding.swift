/// One check of `rotor doctor`: what it found and, when something needs doing, the fix.
struct DoctorFinding: Equatable, Encodable {
    /// How a check came out.
    enum Status: String, Encodable {
        /// Nothing to do.
        case ok
        /// Worth knowing; rotor works.
        case warning
        /// Something to fix: `rotor doctor` exits 1.
        case action
    }

    /// The check's name (`state-directory`, `database`, …).
    let check: String
    let status: Status
    /// What was found, one sentence.
    let summary: String
    /// What to do, when something needs doing.
    let fix: String?

    static func ok(_ check: String, _ summary: String) -> DoctorFinding {
        DoctorFinding(check: check, status: .ok, summary: summary, fix: nil)
    }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(check, forKey: .check)
        try container.encode(status, forKey: .status)
        try container.encode(summary, forKey: .summary)
        try container.encode(fix, forKey: .fix)
    }

    private enum CodingKeys: String, CodingKey {
        case check, status, summary, fix
    }
}
