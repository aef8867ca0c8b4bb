-- The caller bound, then a page of their chat sessions: what GET /api/chat/sessions?limit=20 needs.
BEGIN;
SELECT set_config('app.current_user_id', :user, true), set_config('app.current_org_id', :org, true),
       set_config('app.is_platform_admin', '', true), set_config('app.system_context', '', true);
SELECT id, title, archived, agent_name, model_name, message_count, created_at, last_activity_at
FROM v_recent_sessions WHERE user_id = :user ORDER BY last_activity_at DESC, id DESC LIMIT 21;
COMMIT;
