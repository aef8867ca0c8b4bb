-- ---------------------------------------------------------------------------------------------
-- Tokens stay where they were issued. Each token row keeps the issuer and the token and
-- revocation endpoints that issued it: refreshes and revocation go there and nowhere else,
-- whatever a configuration says later. Each authorization in flight keeps the issuer it was
-- started with (a callback from another is a mix-up, RFC 9207) and the token endpoint its code
-- is redeemed at. A dynamically registered client belongs to the issuer it was registered with.
-- Plain SQL that can run twice.
-- ---------------------------------------------------------------------------------------------

ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS issuer text CHECK (char_length(issuer) <= 2048);
-- the server advertised authorization_response_iss_parameter_supported: its callback must carry iss
ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS issuer_in_response boolean NOT NULL DEFAULT false;
ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS token_endpoint text CHECK (char_length(token_endpoint) <= 2048);
ALTER TABLE oauth_states ADD COLUMN IF NOT EXISTS revocation_endpoint text CHECK (char_length(revocation_endpoint) <= 2048);

ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS issuer text CHECK (char_length(issuer) <= 2048);
ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS token_endpoint text CHECK (char_length(token_endpoint) <= 2048);
ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS revocation_endpoint text CHECK (char_length(revocation_endpoint) <= 2048);

ALTER TABLE mcp_configurations ADD COLUMN IF NOT EXISTS oauth_client_issuer text CHECK (char_length(oauth_client_issuer) <= 2048);

-- rows from before were issued by what their configuration names now: bind them to it
DO $$
DECLARE
    previous text := current_setting('app.system_context', true);
BEGIN
    PERFORM set_config('app.system_context', 'on', true);
    UPDATE mcp_oauth_tokens t
    SET issuer = c.oauth_issuer, token_endpoint = c.oauth_token_endpoint, revocation_endpoint = c.oauth_revocation_endpoint
    FROM mcp_configurations c
    WHERE c.id = t.mcp_configuration_id AND t.token_endpoint IS NULL;
    UPDATE mcp_configurations SET oauth_client_issuer = oauth_issuer
    WHERE oauth_client_source = 'dynamic_registration' AND oauth_client_issuer IS NULL;
    PERFORM set_config('app.system_context', COALESCE(previous, ''), true);
END
$$;

-- ---------------------------------------------------------------------------------------------
-- A refresh never holds the database while it waits for an authorization server. Whoever
-- refreshes a token first takes its lease in a short transaction of its own, calls the server with
-- no connection held, and writes the outcome where the lease is still its own; other callers, on
-- any replica, wait for the outcome instead of refreshing again (rotating refresh tokens allow one
-- use). A lease whose holder died expires.
-- ---------------------------------------------------------------------------------------------
ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS refresh_lease_id uuid;
ALTER TABLE mcp_oauth_tokens ADD COLUMN IF NOT EXISTS refresh_lease_until timestamptz;

-- Bounds for the service's role, so one slow statement, lock or forgotten transaction cannot hold
-- a connection every tenant shares. They take effect at each new connection. An owner that may
-- not alter the role (PostgreSQL 16+ asks for ADMIN OPTION on it) is told what to run instead.
DO $$
BEGIN
    ALTER ROLE agent_hub_app SET statement_timeout = '30s';
    ALTER ROLE agent_hub_app SET lock_timeout = '5s';
    ALTER ROLE agent_hub_app SET idle_in_transaction_session_timeout = '60s';
EXCEPTION WHEN insufficient_privilege THEN
    RAISE WARNING 'agent_hub_app''s timeouts are not set (% may not alter it); as a superuser run: ALTER ROLE agent_hub_app SET statement_timeout = ''30s''; ALTER ROLE agent_hub_app SET lock_timeout = ''5s''; ALTER ROLE agent_hub_app SET idle_in_transaction_session_timeout = ''60s'';', current_user;
END
$$;
