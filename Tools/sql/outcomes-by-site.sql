-- Outcome measures per site: for each instrument version, the episodes that ended there (a
-- patient's baseline, then the last answer set scored after it), the patients they were of,
-- the median change (latest - baseline, in the score's points) and the share reaching the
-- instrument's MCID (its MDC where it has no MCID), from the hub's de-identified rows.
-- Run by Tests/MyologCLITests/HubOutcomesCLITests.swift against a real PostgreSQL cluster.
SELECT n.site,
       o.instrument || ' v' || o.version AS instrument,
       count(*) AS episodes,
       count(DISTINCT o.patient) AS patients,
       trim_scale((percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change)
                 + percentile_disc(0.5) WITHIN GROUP (ORDER BY o.change DESC)) / 2) AS median_change,
       round(100.0 * count(*) FILTER (WHERE o.mcid_reached) / nullif(count(o.mcid_reached), 0), 1) AS percent_reaching_mcid
FROM myolog.outcome_scores o
JOIN myolog.nodes n ON n.id = o.origin
WHERE o.episode_end
GROUP BY n.site, o.instrument, o.version
ORDER BY n.site, o.instrument, o.version;
