-- ---------------------------------------------------------------------------------------------
-- The caller lookup also returns the organisation's external id, so a token naming another
-- organisation than the user's is refused rather than served as a member of the user's.
-- A revoked session outlives its expiry: the identity provider may go on minting tokens for the
-- same session id (refreshes), and a deleted row would let the next one start a fresh, unrevoked
-- session. Revoked rows are kept for a year past their revocation. Plain SQL that can run twice.
-- ---------------------------------------------------------------------------------------------

DROP FUNCTION IF EXISTS app_find_caller(text, text, timestamptz, text, text, text);

CREATE FUNCTION app_find_caller(p_subject text, p_session_key text, p_expires timestamptz,
                                p_ip text, p_user_agent text, p_context text)
RETURNS TABLE (user_id uuid, organization_id uuid, role text, is_active boolean, organization_status text,
               platform_admin boolean, session_id uuid, session_revoked boolean, session_fresh boolean,
               organization_external_id text)
LANGUAGE plpgsql VOLATILE
AS $$
#variable_conflict use_column
DECLARE
    previous text := COALESCE(current_setting('app.system_context', true), '');
BEGIN
    PERFORM set_config('app.system_context', 'on', true);
    RETURN QUERY
    SELECT u.id, u.organization_id, u.role::text, u.is_active, o.status::text,
           EXISTS (SELECT 1 FROM platform_admins p WHERE p.user_id = u.id),
           s.id, s.revoked_at IS NOT NULL,
           COALESCE(s.last_seen_at > now() - interval '1 minute'
                    AND s.expires_at >= p_expires - interval '1 minute'
                    AND s.ip_address IS NOT DISTINCT FROM CAST(p_ip AS inet)
                    AND s.user_agent IS NOT DISTINCT FROM p_user_agent
                    AND (p_context IS NULL OR s.workspace_context = CAST(p_context AS jsonb)),
                    false),
           o.external_id
    FROM users u JOIN organizations o ON o.id = u.organization_id
    LEFT JOIN user_sessions s ON s.user_id = u.id AND s.session_key = p_session_key
    WHERE u.oidc_subject = p_subject;
    PERFORM set_config('app.system_context', previous, true);
END
$$;

GRANT EXECUTE ON FUNCTION app_find_caller(text, text, timestamptz, text, text, text) TO agent_hub_app;

CREATE OR REPLACE FUNCTION cleanup_expired_sessions() RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM user_sessions
    WHERE expires_at <= now() AND (revoked_at IS NULL OR revoked_at <= now() - interval '1 year');
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;
