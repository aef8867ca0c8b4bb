-- ---------------------------------------------------------------------------------------------
-- The caller of a request in one statement. Every authenticated request starts by reading its
-- user, their organisation and the login session before anything is bound; as a function the
-- read needs no transaction of its own (begin, bind, read, commit), which made it the costliest
-- part of a short request for the database. The system context it needs is set for the read
-- alone and cleared before it returns, also inside a caller's transaction.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_find_caller(p_subject text, p_session_key text, p_expires timestamptz,
                                           p_ip text, p_user_agent text, p_context text)
RETURNS TABLE (user_id uuid, organization_id uuid, role text, is_active boolean, organization_status text,
               platform_admin boolean, session_id uuid, session_revoked boolean, session_fresh boolean)
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
                    false)
    FROM users u JOIN organizations o ON o.id = u.organization_id
    LEFT JOIN user_sessions s ON s.user_id = u.id AND s.session_key = p_session_key
    WHERE u.oidc_subject = p_subject;
    PERFORM set_config('app.system_context', previous, true);
END
$$;

GRANT EXECUTE ON FUNCTION app_find_caller(text, text, timestamptz, text, text, text) TO agent_hub_app;
