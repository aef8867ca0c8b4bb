-- Removes everything generate.sql made (executions and sessions go with their organisations).
\set ON_ERROR_STOP 1
DELETE FROM agent_metrics WHERE metric_date = CAST(:'day' AS date);
DELETE FROM organizations WHERE slug LIKE 'bench-%';
