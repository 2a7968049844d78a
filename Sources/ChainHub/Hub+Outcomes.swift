import EventModel
import PostgresNIO

extension Hub {
    /// The episodes of each instrument version per site or per technique, across the chain
    /// (``OutcomeEpisodes``), from `myolog.outcome_scores`: ordered by site or technique (the
    /// episodes without a technique last), then instrument and version.
    public func outcomeEpisodes(by grouping: OutcomeEpisodes.Grouping) async throws -> [OutcomeEpisodes] {
        try await withConnection { connection in
            // Per technique: one row per technique of the episode, one with a NULL technique for
            // an episode without any (LEFT JOIN of an empty unnest).
            let (group, source) = switch grouping {
            case .site: ("n.site", "myolog.outcome_scores o LEFT JOIN myolog.nodes n ON n.id = o.origin")
            case .technique: ("t.technique", "myolog.outcome_scores o LEFT JOIN LATERAL unnest(o.techniques) AS t(technique) ON true")
            }
            // The exact median of `numeric` changes: the mean of the lower and the upper middle
            // value (one and the same for an odd count); trim_scale drops the division's zeros.
            let rows = try await connection.queryOrClosed(PostgresQuery(unsafeSQL: """
                SELECT \(group), o.instrument, o.version, count(*)::bigint, count(DISTINCT o.patient)::bigint,
                    trim_scale((percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change) + percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change DESC)) / 2)::text,
                    count(*) FILTER (WHERE o.mcid_reached)::bigint, count(o.mcid_reached)::bigint
                FROM \(source) WHERE o.episode_end
                GROUP BY 1, 2, 3 ORDER BY 1 NULLS LAST, 2, 3
                """), logger: logger)
            var episodes: [OutcomeEpisodes] = []
            for try await (name, instrument, version, count, patients, median, reached, judged) in rows.decode((String?, String, Int, Int, Int, String, Int, Int).self) {
                episodes.append(OutcomeEpisodes(grouping: grouping, group: name, instrument: instrument, version: version, episodes: count, patients: patients,
                                                medianChange: median, reached: reached, judged: judged))
            }
            return episodes
        }
    }
}

extension Hub {
    /// The `myolog.outcome_scores` rows, by event, with their patient (what `hub verify`
    /// compares with the fold); a row naming no valid id or day is reported as a difference.
    func outcomeRows(on connection: HubConnection) async throws -> [EventID: (patient: PatientID, row: OutcomeRow)] {
        var rows: [EventID: (patient: PatientID, row: OutcomeRow)] = [:]
        let query: PostgresQuery = """
            SELECT patient, event, origin, therapist, instrument, version, context, occurred_on::text, score::text, band, baseline, change::text,
                   mcid_reached, episode_end, techniques FROM myolog.outcome_scores
            """
        for try await (patient, event, origin, therapist, instrument, version, context, day, score, band, baseline, change, reached, end, techniques)
            in try await connection.queryOrClosed(query, logger: logger)
            .decode((String, String, String, String, String, Int, String, String, String?, String?, String, String?, Bool?, Bool, [String]).self) {
            guard let patientID = PatientID(patient), let eventID = EventID(event), let node = NodeID(origin), let baselineID = EventID(baseline),
                  let occurredOn = CivilDate(iso: day)
            else { throw HubError.server("outcome_scores holds a malformed row for event \(event)") }
            rows[eventID] = (patientID, OutcomeRow(
                event: eventID, origin: node, therapist: therapist, instrument: instrument, version: version, context: context, occurredOn: occurredOn,
                score: score, band: band, baseline: baselineID, change: change, reached: reached, episodeEnd: end, techniques: techniques))
        }
        return rows
    }
}
