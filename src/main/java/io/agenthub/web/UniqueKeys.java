package io.agenthub.web;

import java.util.List;
import java.util.Map;

/**
 * How each unique constraint of the schema reads to a client: the request field a 409 names.
 * Keyed by constraint or unique index name; {@code UniqueKeysTest} fails when the schema gains one
 * that is not listed here.
 */
final class UniqueKeys {

    private static final Map<String, String> FIELDS = Map.ofEntries(
            Map.entry("organizations_slug_key", "slug"),
            Map.entry("organizations_external_id_key", "externalId"),
            Map.entry("users_oidc_subject_key", "sub"),
            Map.entry("user_sessions_user_id_session_key_key", "sessionKey"),
            Map.entry("platform_admins_user_id_key", "userId"),
            Map.entry("oauth_states_state_key", "state"),
            Map.entry("mcp_oauth_tokens_user_id_mcp_configuration_id_key", "mcpConfigurationId"),
            Map.entry("agents_name_key", "name"),
            Map.entry("models_agent_id_name_key", "name"),
            Map.entry("chat_messages_seq_key", "seq"),
            Map.entry("agent_health_agent_id_key", "agent"),
            Map.entry("agent_metrics_day_key", "metricDate"),
            Map.entry("circuit_breaker_state_agent_id_key", "agent"),
            Map.entry("uq_mcp_configurations_org_name", "name"),
            Map.entry("uq_mcp_configurations_user_name", "name"),
            Map.entry("uq_system_prompts_global_name", "name"),
            Map.entry("uq_system_prompts_org_name", "name"),
            Map.entry("uq_system_prompts_user_name", "name"),
            Map.entry("uq_chat_messages_idempotency", IdempotencyKey.HEADER),
            Map.entry("uq_agent_executions_idempotency", IdempotencyKey.HEADER),
            // 256 random bits: a collision is a retried insert of the same key, never another user's
            Map.entry("api_keys_key_digest_key", "key"));

    private UniqueKeys() {
    }

    static List<Problem.FieldError> fields(String constraint) {
        String field = constraint == null ? null : FIELDS.get(constraint);
        return field == null ? List.of() : List.of(new Problem.FieldError(field, "already taken"));
    }

    static boolean known(String constraint) {
        return FIELDS.containsKey(constraint);
    }
}
