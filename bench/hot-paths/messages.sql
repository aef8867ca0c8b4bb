-- The caller bound, then a page of one session's messages: what GET .../messages?limit=50 needs.
BEGIN;
SELECT set_config('app.current_user_id', :user, true), set_config('app.current_org_id', :org, true),
       set_config('app.is_platform_admin', '', true), set_config('app.system_context', '', true);
SELECT id, seq, role, content, status, input_tokens, output_tokens, created_at
FROM chat_messages WHERE session_id = :session AND seq > 0 ORDER BY seq LIMIT 51;
COMMIT;
