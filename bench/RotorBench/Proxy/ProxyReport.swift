import Foundation

/// The proxy benchmark's figures, printed as one Markdown table with direct and rotor side by side.
struct Report {
    var ttfb: [(concurrency: Int, direct: Summary, rotor: Summary)] = []
    var throughput: [(concurrency: Int, direct: Double, rotor: Double)] = []
    var events = (EventFigures(median: .zero, worst: .zero, coalescedReads: 0),
                  EventFigures(median: .zero, worst: .zero, coalescedReads: 0))
    var large = (0.0, 0.0)
    var idleRSS = 0
    var openStreamsRSS = 0
    var cpuPerRequest = Duration.zero
    var accounts: [(count: Int, ttfb: Summary, rate: Double)] = []
    var instructionsPerRequest: Int?

    func print(rotor: String, requests: Int) {
        var lines = ["rotor proxy benchmark: \(requests) requests per figure unless noted; rotor: \(rotor)", "",
                     "| measure | direct | through rotor | rotor adds / ratio |", "|---|---|---|---|"]
        for row in ttfb {
            lines.append("| TTFB p50, c=\(row.concurrency) (ms) | \(row.direct.p50.millisecondsText) | "
                + "\(row.rotor.p50.millisecondsText) | \(signed(row.rotor.p50 - row.direct.p50)) |")
            lines.append("| TTFB p99, c=\(row.concurrency) (ms) | \(row.direct.p99.millisecondsText) | "
                + "\(row.rotor.p99.millisecondsText) | \(signed(row.rotor.p99 - row.direct.p99)) |")
        }
        for row in throughput {
            lines.append("| requests/s, c=\(row.concurrency) | \(Int(row.direct)) | \(Int(row.rotor)) | "
                + "\(percent(row.rotor / row.direct)) of direct |")
        }
        lines.append("| per-event delay, median / worst (ms) | \(events.0.median.millisecondsText) / "
            + "\(events.0.worst.millisecondsText) | \(events.1.median.millisecondsText) / "
            + "\(events.1.worst.millisecondsText) | \(signed(events.1.median - events.0.median)) |")
        lines.append("| coalesced reads of 5 ms-spaced events | \(events.0.coalescedReads) | \(events.1.coalescedReads) | |")
        lines.append("| one 64 MiB stream (MB/s) | \(Int(large.0)) | \(Int(large.1)) | \(percent(large.1 / large.0)) of direct |")
        lines.append("| rotor RSS idle / 256 open streams (MiB) | | \(mebibytes(idleRSS)) / \(mebibytes(openStreamsRSS)) | |")
        lines.append("| rotor CPU per request, c=1 (ms) | | \(cpuPerRequest.millisecondsText) | |")
        for row in accounts {
            lines.append("| \(row.count) accounts: TTFB p50 / p99 c=1 (ms), requests/s c=32 | | "
                + "\(row.ttfb.p50.millisecondsText) / \(row.ttfb.p99.millisecondsText), \(Int(row.rate)) | |")
        }
        if let instructionsPerRequest {
            lines.append("| instructions per proxied request (callgrind) | | \(instructionsPerRequest) | |")
        }
        Swift.print(lines.joined(separator: "\n"))
    }

    private func signed(_ duration: Duration) -> String {
        (duration < .zero ? "" : "+") + duration.millisecondsText
    }

    private func percent(_ ratio: Double) -> String { "\(Int((ratio * 100).rounded()))%" }
    private func mebibytes(_ kib: Int) -> String { String(format2: Double(kib) / 1024) }
}
