-- Outcome measures per technique: each episode (a patient's baseline, then the last answer set
-- scored after it) counted under every technique applied between the two, or under none; per
-- instrument version, the episodes, the patients, the median change (latest - baseline, in
-- the score's points) and the share reaching the instrument's MCID (its MDC without one).
-- Run by Tests/MyologCLITests/HubOutcomesCLITests.swift against a real PostgreSQL cluster.
SELECT coalesce(t.technique, '(none recorded)') AS technique,
       o.instrument || ' v' || o.version AS instrument,
       count(*) AS episodes,
       count(DISTINCT o.patient) AS patients,
       trim_scale((percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change)
                 + percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change DESC)) / 2) AS median_change,
       round(100.0 * count(*) FILTER (WHERE o.mcid_reached) / nullif(count(o.mcid_reached), 0), 1) AS percent_reaching_mcid
FROM myolog.outcome_scores o
LEFT JOIN LATERAL unnest(o.techniques) AS t(technique) ON true
WHERE o.episode_end
GROUP BY t.technique, o.instrument, o.version
ORDER BY t.technique NULLS LAST, o.instrument, o.version;
