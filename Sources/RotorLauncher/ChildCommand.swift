/// Everything a child is started with: the file to execute, its argument vector and its environment.
public struct ChildCommand: Hashable, Sendable {
    /// The path of the file to execute (as resolved by ``CommandLookup``).
    public var executablePath: String
    /// The argument vector, `argv[0]` included (the command as the user typed it, as a shell passes it).
    public var arguments: [String]
    /// The complete environment of the child.
    public var environment: [String: String]

    /// Creates a child command.
    public init(executablePath: String, arguments: [String], environment: [String: String]) {
        self.executablePath = executablePath
        self.arguments = arguments
        self.environment = environment
    }

    /// The environment as `execve(2)` takes it: `NAME=value` entries, sorted by name so that runs are repeatable.
    var environmentEntries: [String] {
        environment.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }
    }
}
