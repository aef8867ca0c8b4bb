-- 1,000 executions of :'day' that finish only now: what the incremental run must find.
\set ON_ERROR_STOP 1
INSERT INTO agent_executions (organization_id, user_id, session_id, agent_id, model_id, status, started_at, completed_at,
                              latency_ms, input_tokens, output_tokens)
SELECT s.organization_id, s.user_id, s.id, s.agent_id, s.model_id, 'success', CAST(:'day' AS date) + time '23:59:00', now(),
       1500, 100, 100
FROM chat_sessions s JOIN users u ON u.id = s.user_id
WHERE u.oidc_subject LIKE 'bench-bench-%'
LIMIT 1000;
