import RotorCore
internal import TOMLKit

/// Reads a parsed config file's tables into a ``LoadedPolicy``, key by key in the file's order, so that the first
/// error reported is the first in the file.
struct PolicyFileReader {
    let path: String
    let keyLines: KeyLines
    let accounts: [Account]

    private var policy = RoutingPolicy.default
    private var lines: [String: Int] = [:]

    init(path: String, keyLines: KeyLines, accounts: [Account]) {
        self.path = path
        self.keyLines = keyLines
        self.accounts = accounts
    }

    mutating func read(_ root: TOMLTable) throws(ConfigFileError) -> LoadedPolicy {
        for key in ordered(root, at: []) {
            switch key {
            case "routing":
                try readRouting(table(root, key, at: [key], toWrite: "write [routing] above its keys"))
            case "accounts":
                try readAccounts(table(root, key, at: [key], toWrite: #"write [accounts."<account>"] above its keys"#))
            default:
                throw error(
                    at: [key], #"unknown key; the file has [routing] and [accounts."<account>"] tables"#)
            }
        }
        return LoadedPolicy(policy: policy, lines: lines, path: path)
    }

    // MARK: [routing]

    private mutating func readRouting(_ routing: TOMLTable) throws(ConfigFileError) {
        let at = ["routing"]
        for key in ordered(routing, at: at) {
            let keyPath = at + [key]
            switch key {
            case "strategy":
                policy.strategy = try choice(routing, at: keyPath, kind: "a strategy",
                                             toDo: "use headroom, reset-first, drain or round-robin")
                lines["routing.strategy"] = keyLines.line(of: keyPath)
            case "when-all-reserved":
                policy.whenAllReserved = try choice(routing, at: keyPath, kind: "a choice", toDo: "use use-reserve or wait")
                lines["routing.when-all-reserved"] = keyLines.line(of: keyPath)
            case "reserve":
                let reserves = try readReserve(routing, at: keyPath, linesPrefix: "routing.reserve")
                policy.reserves = reserves
            default:
                throw error(at: keyPath, "unknown key; [routing] takes strategy, reserve and when-all-reserved")
            }
        }
    }

    // MARK: [accounts."<selector>"]

    private mutating func readAccounts(_ table: TOMLTable) throws(ConfigFileError) {
        var named: [AccountID: [String]] = [:]
        for selector in ordered(table, at: ["accounts"]) {
            let at = ["accounts", selector]
            let entry = try self.table(
                table, selector, at: at, toWrite: "write [\(render(at))] above the account's keys")
            let account: Account
            do {
                account = try AccountSelector(selector).match(in: accounts)
            } catch {
                throw self.error(at: at, error.description)
            }
            if let earlier = named[account.id] {
                throw self.error(
                    at: at,
                    "names the same account as \(render(earlier)) (line \(keyLines.line(of: earlier))); keep one")
            }
            named[account.id] = at
            try readAccount(entry, account, at: at)
        }
    }

    private mutating func readAccount(_ entry: TOMLTable, _ account: Account, at: [String]) throws(ConfigFileError) {
        let linesPrefix = "accounts.\(account.id.rawValue)"
        for key in ordered(entry, at: at) {
            let keyPath = at + [key]
            switch key {
            case "priority":
                let toDo = "use a whole number, 0 or more (lower is used first)"
                guard let value = entry[key], value.type == .int, let priority = value.int else {
                    throw wrongType(entry[key], expected: "an integer", at: keyPath, toDo: toDo)
                }
                guard priority >= 0 else { throw error(at: keyPath, "\(priority) is below 0; \(toDo)") }
                policy.priorities[account.id] = priority
                lines[linesPrefix + ".priority"] = keyLines.line(of: keyPath)
            case "reserve":
                policy.accountReserves[account.id] = try readReserve(
                    entry, at: keyPath, linesPrefix: linesPrefix + ".reserve")
            default:
                throw error(at: keyPath, "unknown key; an account takes priority and reserve")
            }
        }
    }

    // MARK: reserve = { "<window>" = <percent> }

    private mutating func readReserve(_ parent: TOMLTable, at: [String], linesPrefix: String)
        throws(ConfigFileError) -> [UsageWindowName: Double]
    {
        let reserve = try table(parent, at.last ?? "", at: at, toWrite: #"write reserve = { "weekly" = 30 }"#)
        var reserves: [UsageWindowName: Double] = [:]
        var named: [UsageWindowName: [String]] = [:]
        for key in ordered(reserve, at: at) {
            let keyPath = at + [key]
            guard let window = UsageWindowName(key) else {
                throw error(at: keyPath, "\(quoted(key)) is not a window; name it by its length: 5h, weekly, 2d or 90m")
            }
            if let earlier = named[window] {
                throw error(
                    at: keyPath,
                    "the same window as \(render(earlier)) (line \(keyLines.line(of: earlier))); keep one")
            }
            named[window] = keyPath
            let toDo = "use a percentage from 0 to 100"
            guard let value = reserve[key], value.type == .int || value.type == .double,
                let percent = value.type == .int ? value.int.map(Double.init) : value.double
            else {
                throw wrongType(reserve[key], expected: "a number", at: keyPath, toDo: toDo)
            }
            guard (0...100).contains(percent) else {
                let number = value.type == .int ? value.int.map(String.init) ?? "" : numberText(percent)
                throw error(at: keyPath, "\(number) is not a percentage; \(toDo)")
            }
            reserves[window] = percent
            lines["\(linesPrefix).\(window)"] = keyLines.line(of: keyPath)
        }
        return reserves
    }

    // MARK: Values

    /// `parent[key]` as a table, or the error for another type.
    private func table(_ parent: TOMLTable, _ key: String, at: [String], toWrite: String)
        throws(ConfigFileError) -> TOMLTable
    {
        guard let value = parent[key], value.type == .table, let table = value.table else {
            throw wrongType(parent[key], expected: "a table", at: at, toDo: toWrite)
        }
        return table
    }

    /// The value at `keyPath` (last part: a key of `parent`) as one of `Choice`'s names; an error saying it is not
    /// `kind` and what to do otherwise.
    private func choice<Choice: RawRepresentable<String>>(
        _ parent: TOMLTable, at keyPath: [String], kind: String, toDo: String
    ) throws(ConfigFileError) -> Choice {
        let name = try string(parent, keyPath[keyPath.count - 1], at: keyPath, toDo: toDo)
        guard let choice = Choice(rawValue: name) else {
            throw error(at: keyPath, "\(quoted(name)) is not \(kind); \(toDo)")
        }
        return choice
    }

    private func string(_ parent: TOMLTable, _ key: String, at: [String], toDo: String)
        throws(ConfigFileError) -> String
    {
        guard let value = parent[key], value.type == .string, let string = value.string else {
            throw wrongType(parent[key], expected: "a string", at: at, toDo: toDo)
        }
        return string
    }

    private func wrongType(_ value: (any TOMLValueConvertible)?, expected: String, at: [String], toDo: String)
        -> ConfigFileError
    {
        error(at: at, "expected \(expected), found \(value.map { Self.article($0.type) } ?? "nothing"); \(toDo)")
    }

    private func error(at keyPath: [String], _ problem: String) -> ConfigFileError {
        ConfigFileError(path: path, line: keyLines.line(of: keyPath), key: render(keyPath), problem: problem)
    }

    // MARK: Text

    /// The keys of `table` in the order they appear in the file (then by name, for keys on one line).
    private func ordered(_ table: TOMLTable, at: [String]) -> [String] {
        table.keys.sorted { lhs, rhs in
            let (left, right) = (keyLines.line(of: at + [lhs]), keyLines.line(of: at + [rhs]))
            return left != right ? left < right : lhs < rhs
        }
    }

    /// A key path as the file would spell it: `routing.reserve.weekly`, `accounts."work".priority`. An account's
    /// selector is always quoted, any other part when it is not a bare key.
    private func render(_ keyPath: [String]) -> String {
        keyPath.enumerated().map { position, part in
            let isSelector = position == 1 && keyPath.first == "accounts"
            return isSelector || !Self.isBareKey(part) ? quoted(part) : part
        }.joined(separator: ".")
    }

    /// `text` in TOML's double quotes, escaping what a basic string must (so an error stays on one line).
    private func quoted(_ text: String) -> String {
        var escaped = "\""
        for scalar in text.unicodeScalars {
            switch scalar {
            case "\"": escaped += "\\\""
            case "\\": escaped += "\\\\"
            case "\n": escaped += "\\n"
            case "\t": escaped += "\\t"
            case "\r": escaped += "\\r"
            default:
                if scalar.value < 0x20 || scalar.value == 0x7F {
                    let hex = String(scalar.value, radix: 16, uppercase: true)
                    escaped += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    escaped.unicodeScalars.append(scalar)
                }
            }
        }
        return escaped + "\""
    }

    private func numberText(_ value: Double) -> String {
        value.isFinite && value == value.rounded() && abs(value) < 1e15 ? String(Int(value)) : String(value)
    }

    private static func isBareKey(_ part: String) -> Bool {
        !part.isEmpty && part.unicodeScalars.allSatisfy { scalar in
            ("a"..."z").contains(scalar)
                || ("A"..."Z").contains(scalar) || ("0"..."9").contains(scalar) || scalar == "-" || scalar == "_"
        }
    }

    private static func article(_ type: TOMLType) -> String {
        switch type {
        case .table: "a table"
        case .array: "an array"
        case .string: "a string"
        case .int: "an integer"
        case .double: "a fractional number"
        case .bool: "a boolean"
        case .date: "a date"
        case .time: "a time"
        case .dateTime: "a date and time"
        }
    }
}
