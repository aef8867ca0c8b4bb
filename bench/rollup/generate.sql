-- Benchmark data for the agent_metrics rollup: :n finished executions on :'day' (UTC) spread over
-- 50 organisations, 1,000 users, 10,000 chat sessions and every seeded model, with a realistic
-- mix of outcomes and a long-tailed latency. Runs as the superuser against the dev database;
-- everything it makes belongs to organisations named bench-*, which clean.sql removes.
\set ON_ERROR_STOP 1
\timing on

INSERT INTO organizations (name, slug)
SELECT 'Bench ' || g, 'bench-' || g FROM generate_series(1, 50) g
ON CONFLICT (slug) DO NOTHING;

INSERT INTO users (organization_id, oidc_subject, role)
SELECT o.id, 'bench-' || o.slug || '-' || g, 'member'
FROM organizations o CROSS JOIN generate_series(1, 20) g
WHERE o.slug LIKE 'bench-%'
ON CONFLICT (oidc_subject) DO NOTHING;

CREATE TEMP TABLE bench_models AS
SELECT row_number() OVER (ORDER BY name) - 1 AS i, id, agent_id FROM models;

INSERT INTO chat_sessions (organization_id, user_id, agent_id, model_id, title)
SELECT u.organization_id, u.id, m.agent_id, m.id, 'bench'
FROM users u CROSS JOIN generate_series(1, 10) g
JOIN bench_models m ON m.i = g % (SELECT count(*) FROM bench_models)
WHERE u.oidc_subject LIKE 'bench-bench-%'
  AND NOT EXISTS (SELECT 1 FROM chat_sessions s WHERE s.user_id = u.id);

CREATE TEMP TABLE bench_sessions AS
SELECT row_number() OVER (ORDER BY s.id) - 1 AS n, s.id, s.organization_id, s.user_id, s.agent_id, s.model_id
FROM chat_sessions s JOIN users u ON u.id = s.user_id
WHERE u.oidc_subject LIKE 'bench-bench-%';

INSERT INTO agent_executions (organization_id, user_id, session_id, agent_id, model_id, status, streamed, started_at,
                              completed_at, latency_ms, time_to_first_token_ms, hub_overhead_ms, input_tokens, output_tokens,
                              error_code)
SELECT s.organization_id, s.user_id, s.id, s.agent_id, s.model_id, x.status, g % 2 = 0, x.started,
       x.started + make_interval(secs => x.latency / 1000.0), x.latency, (x.latency * 0.2)::int, 2 + g % 7,
       200 + g % 3000, 50 + g % 800, CASE WHEN x.status = 'success' THEN NULL ELSE x.status END
FROM generate_series(1, :n) g
JOIN bench_sessions s ON s.n = (g::bigint * 7919) % (SELECT count(*) FROM bench_sessions)
CROSS JOIN LATERAL (
    SELECT CASE WHEN r < 0.90 THEN 'success' WHEN r < 0.95 THEN 'error' WHEN r < 0.97 THEN 'timeout'
                WHEN r < 0.99 THEN 'cancelled' ELSE 'rejected' END AS status,
           -- exponential, mean 2 s, capped at two minutes like the longest timeouts
           least(120000, (-ln(1 - random()) * 2000)::int) AS latency,
           CAST(:'day' AS date) + make_interval(secs => (g::double precision / :n) * 86399) AS started
    FROM (SELECT random() AS r, g) AS seed
) x;

ANALYZE agent_executions;
SELECT count(*) AS bench_executions FROM agent_executions WHERE started_at >= CAST(:'day' AS date) AND started_at < CAST(:'day' AS date) + 1;
