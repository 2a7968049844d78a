
/// The pain trend of a patient's scores, oldest first, on the 0–10 numeric rating scale.
///
/// A change is clinically meaningful when pain fell by at least 2 points or at least 30 % of
/// the first score (Farrar et al., Pain 2001; 94: 149–158).
public struct PainTrend: Sendable, Equatable, Encodable {
    public var first: Int
    public var latest: Int
    public var best: Int
    public var worst: Int
    /// `latest - first`: negative is better.
    public var change: Int
    public var clinicallyMeaningful: Bool
    public var count: Int

    /// Nil when there are no scores.
    public init?(scores: [Int]) {
        guard let first = scores.first, let latest = scores.last else { return nil }
        self.first = first
        self.latest = latest
        best = scores.min()!
        worst = scores.max()!
        change = latest - first
        count = scores.count
        let fall = first - latest
        clinicallyMeaningful = fall >= 2 || (first > 0 && fall * 100 >= 30 * first)
    }

    /// Scores as a one-line chart for terminals: ▁ is 0, █ is 10.
    public static func sparkline(_ scores: [Int]) -> String {
        let bars: [Character] = ["▁", "▂", "▃", "▄", "▅", "▆", "▇", "█"]
        return String(scores.map { bars[min(10, max(0, $0)) * 7 / 10] })
    }
}
