-- ---------------------------------------------------------------------------------------------
-- API keys: long-lived credentials for coding agents and SDKs, each bound to one user of one
-- organisation and working wherever that user's bearer token does. Only a SHA-256 digest of the
-- key is stored; the key itself is shown once, at creation. A revoked key keeps its row (who had
-- it, when it was last used) and never works again. Plain SQL that can run twice.
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS api_keys (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 100),
    -- the key's first characters, to recognise it in a list; never enough to use it
    prefix          text        NOT NULL CHECK (char_length(prefix) BETWEEN 8 AND 16),
    key_digest      bytea       NOT NULL UNIQUE CHECK (octet_length(key_digest) = 32),
    expires_at      timestamptz,
    last_used_at    timestamptz,
    revoked_at      timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (expires_at IS NULL OR expires_at > created_at)
);

CREATE INDEX IF NOT EXISTS idx_api_keys_user ON api_keys (user_id, created_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS idx_api_keys_org ON api_keys (organization_id, created_at DESC, id DESC);

CREATE OR REPLACE TRIGGER trg_api_keys_updated_at BEFORE UPDATE ON api_keys
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

ALTER TABLE api_keys ENABLE ROW LEVEL SECURITY;
ALTER TABLE api_keys FORCE ROW LEVEL SECURITY;

-- within the organisation (its administrators manage members' keys; the service decides who may);
-- policies without sub-selects, as a distributed table needs them
DROP POLICY IF EXISTS api_keys_select ON api_keys;
CREATE POLICY api_keys_select ON api_keys FOR SELECT
    USING (organization_id = app_current_org_id() OR app_is_platform_admin() OR app_is_system());
DROP POLICY IF EXISTS api_keys_insert ON api_keys;
CREATE POLICY api_keys_insert ON api_keys FOR INSERT
    WITH CHECK ((user_id = app_current_user_id() AND organization_id = app_current_org_id()) OR app_is_system());
DROP POLICY IF EXISTS api_keys_update ON api_keys;
CREATE POLICY api_keys_update ON api_keys FOR UPDATE
    USING (organization_id = app_current_org_id() OR app_is_system())
    WITH CHECK (organization_id = app_current_org_id() OR app_is_system());

GRANT SELECT, INSERT, UPDATE ON api_keys TO agent_hub_app;

-- The caller behind a key, before anything is bound (as app_find_caller is for tokens), and the
-- key's last use, written at most once a minute so most requests cost this one read.
CREATE OR REPLACE FUNCTION app_find_api_key(p_digest bytea)
RETURNS TABLE (key_id uuid, user_id uuid, organization_id uuid, oidc_subject text, role text, is_active boolean,
               organization_status text, platform_admin boolean, expires_at timestamptz, revoked_at timestamptz)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
    previous text := COALESCE(current_setting('app.system_context', true), '');
BEGIN
    PERFORM set_config('app.system_context', 'on', true);
    UPDATE api_keys k SET last_used_at = now()
    WHERE k.key_digest = p_digest AND k.revoked_at IS NULL
      AND (k.last_used_at IS NULL OR k.last_used_at < now() - interval '1 minute');
    RETURN QUERY
    SELECT k.id, u.id, u.organization_id, u.oidc_subject, u.role::text, u.is_active, o.status::text,
           EXISTS (SELECT 1 FROM platform_admins p WHERE p.user_id = u.id),
           k.expires_at, k.revoked_at
    FROM api_keys k JOIN users u ON u.id = k.user_id JOIN organizations o ON o.id = u.organization_id
    WHERE k.key_digest = p_digest AND k.organization_id = u.organization_id;
    PERFORM set_config('app.system_context', previous, true);
END
$$;

GRANT EXECUTE ON FUNCTION app_find_api_key(bytea) TO agent_hub_app;
