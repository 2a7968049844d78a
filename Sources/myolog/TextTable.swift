import EventLog
import EventModel

/// Columns aligned for terminals: every cell padded to its column's widest, and shown on one
/// line whatever it holds (``VisibleText/escaped(_:)``: a line break or a terminal escape in a
/// name cannot start a row of its own).
struct TextTable {
    private var rows: [[String]]

    init(_ header: [String]) { rows = [header] }

    mutating func add(_ row: [String]) { rows.append(row.map(VisibleText.escaped)) }

    var rendered: String {
        let widths = rows[0].indices.map { column in rows.map { $0[column].count }.max() ?? 0 }
        return rows.map { row in
            row.enumerated().map { column, cell in
                column == row.count - 1 ? cell : cell + String(repeating: " ", count: widths[column] - cell.count + 2)
            }.joined()
        }.joined(separator: "\n") + "\n"
    }
}
