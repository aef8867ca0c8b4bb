-- One bound caller lookup: what GET /api/me needs (the user, their organisation, this login's session).
BEGIN;
SELECT set_config('app.current_user_id', '', true), set_config('app.current_org_id', '', true),
       set_config('app.is_platform_admin', '', true), set_config('app.system_context', 'on', true);
SELECT u.id, u.organization_id, u.role, u.is_active, u.email, u.display_name, o.name, o.slug, o.status,
       EXISTS (SELECT 1 FROM platform_admins p WHERE p.user_id = u.id), s.id, s.revoked_at IS NOT NULL
FROM users u JOIN organizations o ON o.id = u.organization_id
LEFT JOIN user_sessions s ON s.user_id = u.id AND s.session_key = :key
WHERE u.oidc_subject = :subject;
COMMIT;
