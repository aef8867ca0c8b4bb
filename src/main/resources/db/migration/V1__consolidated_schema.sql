-- Agent Hub consolidated schema.
--
-- Applied by Flyway at start-up (as the schema owner) and applicable by hand:
--     psql "$DATABASE_URL" -v ON_ERROR_STOP=1 -f V1__consolidated_schema.sql
-- Every statement is idempotent (IF NOT EXISTS, CREATE OR REPLACE, DROP ... IF EXISTS before
-- CREATE, ON CONFLICT DO NOTHING), so running the file twice in a row is safe. No Flyway
-- placeholders: the file must stay plain SQL.
--
-- Tenancy model: the service connects as agent_hub_app (owns nothing, no BYPASSRLS) and binds the
-- caller transaction-locally with set_config(name, value, true):
--     app.current_user_id    uuid of the calling user
--     app.current_org_id     uuid of the caller's organization
--     app.is_platform_admin  'true' for platform administrators
--     app.system_context     'on' for background jobs (cleanup, rollups, health, provisioning)
-- Row-level security is enabled AND forced on every table, so even the owner obeys the policies.

CREATE EXTENSION IF NOT EXISTS pgcrypto;

-- The application role. It is created NOLOGIN here when missing; deployments give it LOGIN and a
-- password (or grant it to a login role). Creating it needs CREATEROLE: where the owner lacks that,
-- a DBA creates the role first and this block leaves it alone.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_roles WHERE rolname = 'agent_hub_app') THEN
        BEGIN
            CREATE ROLE agent_hub_app NOLOGIN NOSUPERUSER NOBYPASSRLS NOCREATEDB NOCREATEROLE;
        EXCEPTION WHEN insufficient_privilege THEN
            RAISE EXCEPTION 'role agent_hub_app does not exist and % may not create it; run: CREATE ROLE agent_hub_app LOGIN PASSWORD ''...'' NOBYPASSRLS;', current_user;
        END;
    END IF;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Caller context, read by every policy. STABLE and wrapped as (SELECT fn()) in policies so the
-- planner evaluates each once per statement instead of once per row.
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION app_current_user_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('app.current_user_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_current_org_id() RETURNS uuid
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT NULLIF(current_setting('app.current_org_id', true), '')::uuid $$;

CREATE OR REPLACE FUNCTION app_is_platform_admin() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT COALESCE(current_setting('app.is_platform_admin', true), '') = 'true' $$;

CREATE OR REPLACE FUNCTION app_is_system() RETURNS boolean
    LANGUAGE sql STABLE PARALLEL SAFE
AS $$ SELECT COALESCE(current_setting('app.system_context', true), '') = 'on' $$;

-- ---------------------------------------------------------------------------------------------
-- Tables: core multi-tenant
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS organizations (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    slug            text        NOT NULL UNIQUE CHECK (slug ~ '^[a-z0-9][a-z0-9-]{0,62}$'),
    -- value of the identity provider's organization claim; NULL for organizations made by hand
    external_id     text        UNIQUE CHECK (char_length(external_id) BETWEEN 1 AND 255),
    status          text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended')),
    plan            text        NOT NULL DEFAULT 'free' CHECK (plan IN ('free', 'team', 'enterprise')),
    settings        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(settings) = 'object'),
    max_users       integer     CHECK (max_users > 0),
    suspended_at    timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK ((status = 'suspended') = (suspended_at IS NOT NULL))
);

CREATE TABLE IF NOT EXISTS users (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    oidc_subject    text        NOT NULL UNIQUE CHECK (char_length(oidc_subject) BETWEEN 1 AND 255),
    email           text        CHECK (email ~ '^[^@\s]+@[^@\s]+$' AND char_length(email) <= 320),
    display_name    text        CHECK (char_length(display_name) <= 200),
    role            text        NOT NULL DEFAULT 'member' CHECK (role IN ('owner', 'admin', 'member', 'viewer')),
    is_active       boolean     NOT NULL DEFAULT true,
    last_login_at   timestamptz,
    deactivated_at  timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (is_active OR deactivated_at IS NOT NULL)
);

CREATE TABLE IF NOT EXISTS user_sessions (
    id                uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id           uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id   uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- identifies the login session: the token's sid claim, or a digest of issuer+subject+iat
    session_key       text        NOT NULL CHECK (char_length(session_key) BETWEEN 1 AND 255),
    workspace_context jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(workspace_context) = 'object'),
    ip_address        inet,
    user_agent        text        CHECK (char_length(user_agent) <= 1024),
    created_at        timestamptz NOT NULL DEFAULT now(),
    last_seen_at      timestamptz NOT NULL DEFAULT now(),
    expires_at        timestamptz NOT NULL,
    revoked_at        timestamptz,
    updated_at        timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, session_key),
    CHECK (expires_at > created_at)
);

CREATE TABLE IF NOT EXISTS platform_admins (
    id          uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    user_id     uuid        NOT NULL UNIQUE REFERENCES users (id) ON DELETE CASCADE,
    granted_by  uuid        REFERENCES users (id) ON DELETE SET NULL,
    notes       text        CHECK (char_length(notes) <= 1000),
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS mcp_configurations (
    id                        uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id           uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    -- NULL: organization-wide; otherwise personal to that user and overriding by name
    user_id                   uuid        REFERENCES users (id) ON DELETE CASCADE,
    name                      text        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$'),
    description               text        CHECK (char_length(description) <= 2000),
    transport                 text        NOT NULL CHECK (transport IN ('stdio', 'http', 'sse')),
    url                       text        CHECK (url ~ '^https?://' AND char_length(url) <= 2048),
    command                   text        CHECK (char_length(command) BETWEEN 1 AND 1024),
    args                      text[]      NOT NULL DEFAULT '{}' CHECK (cardinality(args) <= 100),
    env                       jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(env) = 'object'),
    headers                   jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(headers) = 'object'),
    auth_type                 text        NOT NULL DEFAULT 'none' CHECK (auth_type IN ('none', 'bearer', 'oauth2')),
    oauth_client_id           text        CHECK (char_length(oauth_client_id) <= 512),
    oauth_client_secret_encrypted bytea,
    oauth_key_id              text,
    oauth_scopes              text        CHECK (char_length(oauth_scopes) <= 2048),
    oauth_issuer              text        CHECK (char_length(oauth_issuer) <= 2048),
    oauth_authorization_endpoint text     CHECK (oauth_authorization_endpoint ~ '^https?://'),
    oauth_token_endpoint      text        CHECK (oauth_token_endpoint ~ '^https?://'),
    oauth_revocation_endpoint text        CHECK (oauth_revocation_endpoint ~ '^https?://'),
    oauth_registration_endpoint text      CHECK (oauth_registration_endpoint ~ '^https?://'),
    oauth_resource            text        CHECK (char_length(oauth_resource) <= 2048),
    -- extra authorization request parameters, e.g. {"access_type": "offline", "prompt": "consent"}
    oauth_extra_params        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(oauth_extra_params) = 'object'),
    enabled                   boolean     NOT NULL DEFAULT true,
    created_by                uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at                timestamptz NOT NULL DEFAULT now(),
    updated_at                timestamptz NOT NULL DEFAULT now(),
    CHECK ((transport = 'stdio' AND command IS NOT NULL) OR (transport IN ('http', 'sse') AND url IS NOT NULL)),
    CHECK (auth_type <> 'oauth2' OR transport IN ('http', 'sse')),
    CHECK ((oauth_client_secret_encrypted IS NULL) = (oauth_key_id IS NULL))
);

CREATE TABLE IF NOT EXISTS system_prompts (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    scope           text        NOT NULL CHECK (scope IN ('global', 'organization', 'user')),
    organization_id uuid        REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        REFERENCES users (id) ON DELETE CASCADE,
    name            text        NOT NULL CHECK (char_length(name) BETWEEN 1 AND 200),
    content         text        NOT NULL CHECK (char_length(content) BETWEEN 1 AND 100000),
    -- lower sends first within a scope
    priority        integer     NOT NULL DEFAULT 100 CHECK (priority BETWEEN 0 AND 10000),
    enabled         boolean     NOT NULL DEFAULT true,
    created_by      uuid        REFERENCES users (id) ON DELETE SET NULL,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (
        (scope = 'global' AND organization_id IS NULL AND user_id IS NULL)
     OR (scope = 'organization' AND organization_id IS NOT NULL AND user_id IS NULL)
     OR (scope = 'user' AND organization_id IS NOT NULL AND user_id IS NOT NULL)
    )
);

-- Audit rows outlive what they describe, so they carry ids without foreign keys: a cascading
-- delete or SET NULL would have to modify an immutable row.
CREATE TABLE IF NOT EXISTS audit_logs (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid,
    actor_user_id   uuid,
    actor_subject   text,
    action          text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    resource_type   text        NOT NULL CHECK (char_length(resource_type) BETWEEN 1 AND 100),
    resource_id     text        CHECK (char_length(resource_id) <= 255),
    details         jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
    request_id      text        CHECK (char_length(request_id) <= 255),
    ip_address      inet,
    user_agent      text        CHECK (char_length(user_agent) <= 1024),
    created_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS admin_audit_log (
    id                     uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    admin_user_id          uuid,
    action                 text        NOT NULL CHECK (action ~ '^[a-z][a-z0-9_]*(\.[a-z][a-z0-9_]*)+$'),
    target_type            text        NOT NULL CHECK (char_length(target_type) BETWEEN 1 AND 100),
    target_id              text        CHECK (char_length(target_id) <= 255),
    target_organization_id uuid,
    details                jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(details) = 'object'),
    request_id             text        CHECK (char_length(request_id) <= 255),
    ip_address             inet,
    user_agent             text        CHECK (char_length(user_agent) <= 1024),
    created_at             timestamptz NOT NULL DEFAULT now()
);

-- ---------------------------------------------------------------------------------------------
-- Tables: OAuth for MCP servers
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS oauth_states (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    state                text        NOT NULL UNIQUE CHECK (char_length(state) BETWEEN 43 AND 128),
    code_verifier        text        NOT NULL CHECK (char_length(code_verifier) BETWEEN 43 AND 128),
    redirect_uri         text        NOT NULL CHECK (redirect_uri ~ '^https?://' AND char_length(redirect_uri) <= 2048),
    user_id              uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    organization_id      uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    mcp_configuration_id uuid        NOT NULL REFERENCES mcp_configurations (id) ON DELETE CASCADE,
    scope                text        CHECK (char_length(scope) <= 2048),
    resource             text        CHECK (char_length(resource) <= 2048),
    created_at           timestamptz NOT NULL DEFAULT now(),
    expires_at           timestamptz NOT NULL,
    used_at              timestamptz,
    CHECK (expires_at > created_at)
);

CREATE TABLE IF NOT EXISTS mcp_oauth_tokens (
    id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id         uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id                 uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    mcp_configuration_id    uuid        NOT NULL REFERENCES mcp_configurations (id) ON DELETE CASCADE,
    access_token_encrypted  bytea       NOT NULL,
    refresh_token_encrypted bytea,
    token_type              text        NOT NULL DEFAULT 'Bearer' CHECK (char_length(token_type) BETWEEN 1 AND 50),
    scope                   text        CHECK (char_length(scope) <= 2048),
    expires_at              timestamptz,
    -- which configured key encrypted this row; rotation re-encrypts rows with an old key id
    key_id                  text        NOT NULL CHECK (char_length(key_id) BETWEEN 1 AND 64),
    status                  text        NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'needs_reauth')),
    status_reason           text        CHECK (char_length(status_reason) <= 500),
    last_refreshed_at       timestamptz,
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    UNIQUE (user_id, mcp_configuration_id)
);

-- ---------------------------------------------------------------------------------------------
-- Tables: agent system
-- ---------------------------------------------------------------------------------------------

CREATE TABLE IF NOT EXISTS agents (
    id                       uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    name                     text        NOT NULL UNIQUE CHECK (name ~ '^[a-z][a-z0-9-]{0,62}$'),
    type                     text        NOT NULL CHECK (type IN ('routing', 'multi-model')),
    display_name             text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
    description              text        CHECK (char_length(description) <= 2000),
    -- provider settings: {"provider": "vertex-ai" | "openrouter", ...}
    config                   jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(config) = 'object' AND config ? 'provider'),
    enabled                  boolean     NOT NULL DEFAULT true,
    -- per-agent guards, built at run time from these columns
    request_timeout_ms       integer     NOT NULL DEFAULT 120000 CHECK (request_timeout_ms BETWEEN 100 AND 600000),
    first_token_timeout_ms   integer     NOT NULL DEFAULT 30000 CHECK (first_token_timeout_ms BETWEEN 100 AND 600000),
    stream_idle_timeout_ms   integer     NOT NULL DEFAULT 30000 CHECK (stream_idle_timeout_ms BETWEEN 100 AND 600000),
    max_retries              integer     NOT NULL DEFAULT 2 CHECK (max_retries BETWEEN 0 AND 10),
    max_concurrent_calls     integer     NOT NULL DEFAULT 32 CHECK (max_concurrent_calls BETWEEN 1 AND 10000),
    breaker_failure_threshold integer    NOT NULL DEFAULT 5 CHECK (breaker_failure_threshold BETWEEN 1 AND 1000),
    breaker_open_ms          integer     NOT NULL DEFAULT 30000 CHECK (breaker_open_ms BETWEEN 100 AND 3600000),
    fallback_model_id        uuid,
    created_at               timestamptz NOT NULL DEFAULT now(),
    updated_at               timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS models (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id             uuid        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    name                 text        NOT NULL CHECK (name ~ '^[A-Za-z0-9][A-Za-z0-9_.:-]{0,99}$'),
    -- the id the provider's API expects, e.g. 'anthropic/claude-3-opus' on OpenRouter
    provider_model_id    text        NOT NULL CHECK (char_length(provider_model_id) BETWEEN 1 AND 200),
    display_name         text        NOT NULL CHECK (char_length(display_name) BETWEEN 1 AND 200),
    context_window       integer     NOT NULL DEFAULT 8192 CHECK (context_window > 0),
    max_output_tokens    integer     NOT NULL DEFAULT 4096 CHECK (max_output_tokens > 0),
    input_cost_per_mtok  numeric(12, 4) CHECK (input_cost_per_mtok >= 0),
    output_cost_per_mtok numeric(12, 4) CHECK (output_cost_per_mtok >= 0),
    enabled              boolean     NOT NULL DEFAULT true,
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now(),
    UNIQUE (agent_id, name)
);

-- agents and models reference each other; the second edge is added once both exist
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_constraint WHERE conname = 'agents_fallback_model_id_fkey') THEN
        ALTER TABLE agents ADD CONSTRAINT agents_fallback_model_id_fkey
            FOREIGN KEY (fallback_model_id) REFERENCES models (id) ON DELETE SET NULL;
    END IF;
END
$$;

CREATE TABLE IF NOT EXISTS chat_sessions (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    -- agents and models with conversations are disabled, never deleted
    agent_id        uuid        NOT NULL REFERENCES agents (id) ON DELETE RESTRICT,
    model_id        uuid        NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
    title           text        CHECK (char_length(title) BETWEEN 1 AND 200),
    archived        boolean     NOT NULL DEFAULT false,
    metadata        jsonb       NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(metadata) = 'object'),
    last_message_at timestamptz,
    created_at      timestamptz NOT NULL DEFAULT now(),
    updated_at      timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE IF NOT EXISTS chat_messages (
    id              uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    -- strictly increasing insertion order: the stable chronological cursor
    seq             bigint      GENERATED ALWAYS AS IDENTITY UNIQUE,
    session_id      uuid        NOT NULL REFERENCES chat_sessions (id) ON DELETE CASCADE,
    organization_id uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id         uuid        NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role            text        NOT NULL CHECK (role IN ('system', 'user', 'assistant', 'tool')),
    content         text        NOT NULL CHECK (char_length(content) <= 1000000),
    -- partial: the reply was cut off (failure or disconnect) and is kept as far as it came
    status          text        NOT NULL DEFAULT 'complete' CHECK (status IN ('complete', 'partial', 'failed')),
    idempotency_key text        CHECK (char_length(idempotency_key) BETWEEN 1 AND 255),
    input_tokens    integer     CHECK (input_tokens >= 0),
    output_tokens   integer     CHECK (output_tokens >= 0),
    created_at      timestamptz NOT NULL DEFAULT now(),
    CHECK (role <> 'user' OR status = 'complete')
);

CREATE TABLE IF NOT EXISTS agent_executions (
    id                     uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    organization_id        uuid        NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id                uuid        REFERENCES users (id) ON DELETE SET NULL,
    session_id             uuid        REFERENCES chat_sessions (id) ON DELETE SET NULL,
    user_message_id        uuid        REFERENCES chat_messages (id) ON DELETE SET NULL,
    assistant_message_id   uuid        REFERENCES chat_messages (id) ON DELETE SET NULL,
    agent_id               uuid        NOT NULL REFERENCES agents (id) ON DELETE RESTRICT,
    model_id               uuid        NOT NULL REFERENCES models (id) ON DELETE RESTRICT,
    -- set when an open breaker sent the call to the fallback model
    requested_model_id     uuid        REFERENCES models (id) ON DELETE SET NULL,
    status                 text        NOT NULL DEFAULT 'running'
                                       CHECK (status IN ('running', 'success', 'error', 'timeout', 'cancelled', 'rejected')),
    streamed               boolean     NOT NULL DEFAULT false,
    started_at             timestamptz NOT NULL DEFAULT now(),
    completed_at           timestamptz,
    latency_ms             integer     CHECK (latency_ms >= 0),
    time_to_first_token_ms integer     CHECK (time_to_first_token_ms >= 0),
    hub_overhead_ms        integer     CHECK (hub_overhead_ms >= 0),
    input_tokens           integer     CHECK (input_tokens >= 0),
    output_tokens          integer     CHECK (output_tokens >= 0),
    attempts               integer     NOT NULL DEFAULT 1 CHECK (attempts >= 0),
    error_code             text        CHECK (char_length(error_code) <= 100),
    error_message          text        CHECK (char_length(error_message) <= 4000),
    CHECK ((status = 'running') = (completed_at IS NULL))
);

CREATE TABLE IF NOT EXISTS agent_health (
    id                   uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id             uuid        NOT NULL UNIQUE REFERENCES agents (id) ON DELETE CASCADE,
    status               text        NOT NULL DEFAULT 'unknown' CHECK (status IN ('healthy', 'degraded', 'unhealthy', 'unknown')),
    latency_ms           integer     CHECK (latency_ms >= 0),
    consecutive_failures integer     NOT NULL DEFAULT 0 CHECK (consecutive_failures >= 0),
    last_check_at        timestamptz,
    last_success_at      timestamptz,
    last_failure_at      timestamptz,
    last_error           text        CHECK (char_length(last_error) <= 4000),
    checked_by           text        CHECK (char_length(checked_by) <= 255),
    created_at           timestamptz NOT NULL DEFAULT now(),
    updated_at           timestamptz NOT NULL DEFAULT now()
);

-- Daily rollup of agent_executions. organization_id NULL is the platform-wide row: percentiles
-- cannot be summed across organizations, so the platform total is computed on its own.
CREATE TABLE IF NOT EXISTS agent_metrics (
    id                      uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    metric_date             date        NOT NULL,
    organization_id         uuid        REFERENCES organizations (id) ON DELETE CASCADE,
    agent_id                uuid        NOT NULL REFERENCES agents (id) ON DELETE CASCADE,
    model_id                uuid        NOT NULL REFERENCES models (id) ON DELETE CASCADE,
    executions              integer     NOT NULL DEFAULT 0 CHECK (executions >= 0),
    successes               integer     NOT NULL DEFAULT 0 CHECK (successes >= 0),
    errors                  integer     NOT NULL DEFAULT 0 CHECK (errors >= 0),
    timeouts                integer     NOT NULL DEFAULT 0 CHECK (timeouts >= 0),
    cancellations           integer     NOT NULL DEFAULT 0 CHECK (cancellations >= 0),
    rejections              integer     NOT NULL DEFAULT 0 CHECK (rejections >= 0),
    avg_latency_ms          numeric(12, 2),
    p50_latency_ms          numeric(12, 2),
    p95_latency_ms          numeric(12, 2),
    avg_time_to_first_token_ms numeric(12, 2),
    p95_time_to_first_token_ms numeric(12, 2),
    input_tokens            bigint      NOT NULL DEFAULT 0 CHECK (input_tokens >= 0),
    output_tokens           bigint      NOT NULL DEFAULT 0 CHECK (output_tokens >= 0),
    distinct_users          integer     NOT NULL DEFAULT 0 CHECK (distinct_users >= 0),
    distinct_sessions       integer     NOT NULL DEFAULT 0 CHECK (distinct_sessions >= 0),
    computed_at             timestamptz NOT NULL DEFAULT now(),
    created_at              timestamptz NOT NULL DEFAULT now(),
    updated_at              timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT agent_metrics_day_key UNIQUE NULLS NOT DISTINCT (metric_date, agent_id, model_id, organization_id),
    CHECK (successes + errors + timeouts + cancellations + rejections <= executions)
);

CREATE TABLE IF NOT EXISTS circuit_breaker_state (
    id                 uuid        PRIMARY KEY DEFAULT gen_random_uuid(),
    agent_id           uuid        NOT NULL UNIQUE REFERENCES agents (id) ON DELETE CASCADE,
    state              text        NOT NULL DEFAULT 'closed' CHECK (state IN ('closed', 'open', 'half_open')),
    failure_count      integer     NOT NULL DEFAULT 0 CHECK (failure_count >= 0),
    success_count      integer     NOT NULL DEFAULT 0 CHECK (success_count >= 0),
    last_failure_at    timestamptz,
    opened_at          timestamptz,
    next_attempt_at    timestamptz,
    last_transition_at timestamptz NOT NULL DEFAULT now(),
    updated_by         text        CHECK (char_length(updated_by) <= 255),
    created_at         timestamptz NOT NULL DEFAULT now(),
    updated_at         timestamptz NOT NULL DEFAULT now(),
    CHECK (state <> 'open' OR (opened_at IS NOT NULL AND next_attempt_at IS NOT NULL))
);

-- ---------------------------------------------------------------------------------------------
-- Indexes: tenant column first, then what the service filters and sorts by.
-- ---------------------------------------------------------------------------------------------

CREATE INDEX IF NOT EXISTS idx_organizations_status ON organizations (status, created_at);
CREATE INDEX IF NOT EXISTS idx_organizations_created ON organizations (created_at, id);

CREATE INDEX IF NOT EXISTS idx_users_org_created ON users (organization_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_users_org_role ON users (organization_id, role) WHERE is_active;
CREATE INDEX IF NOT EXISTS idx_users_org_email ON users (organization_id, lower(email));

CREATE INDEX IF NOT EXISTS idx_user_sessions_org ON user_sessions (organization_id, last_seen_at DESC);
CREATE INDEX IF NOT EXISTS idx_user_sessions_user_seen ON user_sessions (user_id, last_seen_at DESC, id);
CREATE INDEX IF NOT EXISTS idx_user_sessions_expires ON user_sessions (expires_at);
CREATE INDEX IF NOT EXISTS idx_user_sessions_active ON user_sessions (organization_id, expires_at) WHERE revoked_at IS NULL;

CREATE INDEX IF NOT EXISTS idx_platform_admins_granted_by ON platform_admins (granted_by);

CREATE UNIQUE INDEX IF NOT EXISTS uq_mcp_configurations_org_name ON mcp_configurations (organization_id, name) WHERE user_id IS NULL;
CREATE UNIQUE INDEX IF NOT EXISTS uq_mcp_configurations_user_name ON mcp_configurations (user_id, name) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_mcp_configurations_org_created ON mcp_configurations (organization_id, created_at, id);
CREATE INDEX IF NOT EXISTS idx_mcp_configurations_org_enabled ON mcp_configurations (organization_id, name) WHERE enabled;
CREATE INDEX IF NOT EXISTS idx_mcp_configurations_user ON mcp_configurations (user_id) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_mcp_configurations_created_by ON mcp_configurations (created_by);

CREATE UNIQUE INDEX IF NOT EXISTS uq_system_prompts_global_name ON system_prompts (name) WHERE scope = 'global';
CREATE UNIQUE INDEX IF NOT EXISTS uq_system_prompts_org_name ON system_prompts (organization_id, name) WHERE scope = 'organization';
CREATE UNIQUE INDEX IF NOT EXISTS uq_system_prompts_user_name ON system_prompts (user_id, name) WHERE scope = 'user';
CREATE INDEX IF NOT EXISTS idx_system_prompts_scope_priority ON system_prompts (scope, priority, created_at) WHERE enabled;
CREATE INDEX IF NOT EXISTS idx_system_prompts_org ON system_prompts (organization_id, priority) WHERE organization_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_system_prompts_user ON system_prompts (user_id, priority) WHERE user_id IS NOT NULL;
CREATE INDEX IF NOT EXISTS idx_system_prompts_created_by ON system_prompts (created_by);

CREATE INDEX IF NOT EXISTS idx_audit_logs_org_created ON audit_logs (organization_id, created_at DESC, id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_created ON audit_logs (created_at DESC, id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_actor ON audit_logs (actor_user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_action ON audit_logs (action, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_audit_logs_resource ON audit_logs (resource_type, resource_id);
CREATE INDEX IF NOT EXISTS idx_audit_logs_request ON audit_logs (request_id);

CREATE INDEX IF NOT EXISTS idx_admin_audit_log_created ON admin_audit_log (created_at DESC, id);
CREATE INDEX IF NOT EXISTS idx_admin_audit_log_admin ON admin_audit_log (admin_user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_admin_audit_log_target_org ON admin_audit_log (target_organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_admin_audit_log_action ON admin_audit_log (action, created_at DESC);

CREATE INDEX IF NOT EXISTS idx_oauth_states_org ON oauth_states (organization_id);
CREATE INDEX IF NOT EXISTS idx_oauth_states_user ON oauth_states (user_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_oauth_states_config ON oauth_states (mcp_configuration_id);
CREATE INDEX IF NOT EXISTS idx_oauth_states_expires ON oauth_states (expires_at);

CREATE INDEX IF NOT EXISTS idx_mcp_oauth_tokens_org ON mcp_oauth_tokens (organization_id);
CREATE INDEX IF NOT EXISTS idx_mcp_oauth_tokens_config ON mcp_oauth_tokens (mcp_configuration_id);
CREATE INDEX IF NOT EXISTS idx_mcp_oauth_tokens_expires ON mcp_oauth_tokens (expires_at);
CREATE INDEX IF NOT EXISTS idx_mcp_oauth_tokens_key ON mcp_oauth_tokens (key_id);

CREATE INDEX IF NOT EXISTS idx_agents_enabled ON agents (name) WHERE enabled;
CREATE INDEX IF NOT EXISTS idx_agents_fallback_model ON agents (fallback_model_id);
CREATE INDEX IF NOT EXISTS idx_models_agent_enabled ON models (agent_id, name) WHERE enabled;

CREATE INDEX IF NOT EXISTS idx_chat_sessions_user_activity ON chat_sessions (user_id, archived, (COALESCE(last_message_at, created_at)) DESC, id DESC);
CREATE INDEX IF NOT EXISTS idx_chat_sessions_org ON chat_sessions (organization_id, created_at DESC);
CREATE INDEX IF NOT EXISTS idx_chat_sessions_agent ON chat_sessions (agent_id);
CREATE INDEX IF NOT EXISTS idx_chat_sessions_model ON chat_sessions (model_id);

CREATE INDEX IF NOT EXISTS idx_chat_messages_session_seq ON chat_messages (session_id, seq);
CREATE INDEX IF NOT EXISTS idx_chat_messages_org ON chat_messages (organization_id, created_at);
CREATE INDEX IF NOT EXISTS idx_chat_messages_user ON chat_messages (user_id, created_at);
CREATE UNIQUE INDEX IF NOT EXISTS uq_chat_messages_idempotency ON chat_messages (session_id, idempotency_key) WHERE idempotency_key IS NOT NULL;

CREATE INDEX IF NOT EXISTS idx_agent_executions_org_started ON agent_executions (organization_id, started_at DESC);
CREATE INDEX IF NOT EXISTS idx_agent_executions_user_started ON agent_executions (user_id, started_at DESC);
CREATE INDEX IF NOT EXISTS idx_agent_executions_session ON agent_executions (session_id, started_at);
CREATE INDEX IF NOT EXISTS idx_agent_executions_agent_model_started ON agent_executions (agent_id, model_id, started_at);
CREATE INDEX IF NOT EXISTS idx_agent_executions_started ON agent_executions (started_at);
CREATE INDEX IF NOT EXISTS idx_agent_executions_completed ON agent_executions (completed_at);
CREATE INDEX IF NOT EXISTS idx_agent_executions_status ON agent_executions (status, started_at) WHERE status <> 'success';
CREATE INDEX IF NOT EXISTS idx_agent_executions_user_message ON agent_executions (user_message_id);
CREATE INDEX IF NOT EXISTS idx_agent_executions_assistant_message ON agent_executions (assistant_message_id);
CREATE INDEX IF NOT EXISTS idx_agent_executions_model ON agent_executions (model_id);
CREATE INDEX IF NOT EXISTS idx_agent_executions_requested_model ON agent_executions (requested_model_id);

CREATE INDEX IF NOT EXISTS idx_agent_health_status ON agent_health (status);

CREATE INDEX IF NOT EXISTS idx_agent_metrics_org_date ON agent_metrics (organization_id, metric_date);
CREATE INDEX IF NOT EXISTS idx_agent_metrics_date_agent ON agent_metrics (metric_date, agent_id, model_id);
CREATE INDEX IF NOT EXISTS idx_agent_metrics_model ON agent_metrics (model_id);

CREATE INDEX IF NOT EXISTS idx_circuit_breaker_state_state ON circuit_breaker_state (state) WHERE state <> 'closed';

-- ---------------------------------------------------------------------------------------------
-- Functions
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE FUNCTION update_updated_at_column() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    NEW.updated_at := now();
    RETURN NEW;
END
$$;

CREATE OR REPLACE FUNCTION prevent_audit_modification() RETURNS trigger
    LANGUAGE plpgsql
AS $$
BEGIN
    RAISE EXCEPTION 'audit records are immutable: % on % is not allowed', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END
$$;

-- The key is always an argument (a bind parameter from the service), never stored in the database.
-- search_path lists extensions for hosts (Supabase) that install pgcrypto there.
CREATE OR REPLACE FUNCTION encrypt_token(p_token text, p_key text) RETURNS bytea
    LANGUAGE plpgsql VOLATILE
    SET search_path = public, extensions, pg_temp
AS $$
BEGIN
    IF p_token IS NULL THEN
        RETURN NULL;
    END IF;
    IF p_key IS NULL OR char_length(p_key) < 16 THEN
        RAISE EXCEPTION 'token encryption key must be at least 16 characters' USING ERRCODE = 'invalid_parameter_value';
    END IF;
    RETURN pgp_sym_encrypt(p_token, p_key, 'cipher-algo=aes256, compress-algo=0');
END
$$;

CREATE OR REPLACE FUNCTION decrypt_token(p_encrypted bytea, p_key text) RETURNS text
    LANGUAGE plpgsql STABLE
    SET search_path = public, extensions, pg_temp
AS $$
BEGIN
    IF p_encrypted IS NULL THEN
        RETURN NULL;
    END IF;
    RETURN pgp_sym_decrypt(p_encrypted, p_key);
END
$$;

-- Writes one audit row for the bound caller. SECURITY INVOKER: the insert policy applies, so a
-- caller can only audit into their own organization.
CREATE OR REPLACE FUNCTION log_audit_event(
    p_action        text,
    p_resource_type text,
    p_resource_id   text,
    p_details       jsonb DEFAULT '{}'::jsonb,
    p_request_id    text DEFAULT NULL,
    p_ip_address    inet DEFAULT NULL,
    p_user_agent    text DEFAULT NULL,
    p_organization_id uuid DEFAULT NULL
) RETURNS uuid
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_id uuid;
BEGIN
    INSERT INTO audit_logs (organization_id, actor_user_id, actor_subject, action, resource_type, resource_id,
                            details, request_id, ip_address, user_agent)
    VALUES (COALESCE(p_organization_id, app_current_org_id()),
            app_current_user_id(),
            (SELECT u.oidc_subject FROM users u WHERE u.id = app_current_user_id()),
            p_action, p_resource_type, p_resource_id,
            COALESCE(p_details, '{}'::jsonb), p_request_id, p_ip_address, left(p_user_agent, 1024))
    RETURNING id INTO v_id;
    RETURN v_id;
END
$$;

CREATE OR REPLACE FUNCTION cleanup_expired_sessions() RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM user_sessions WHERE expires_at <= now();
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

-- Effective prompts of a user in the order they are sent to a model: global, then organization,
-- then user scope; within a scope by priority, then age.
CREATE OR REPLACE FUNCTION get_effective_system_prompts(p_user_id uuid DEFAULT NULL)
    RETURNS TABLE (id uuid, scope text, name text, content text, priority integer)
    LANGUAGE sql STABLE
AS $$
    SELECT sp.id, sp.scope, sp.name, sp.content, sp.priority
    FROM system_prompts sp
    JOIN users u ON u.id = COALESCE(p_user_id, app_current_user_id())
    WHERE sp.enabled
      AND (sp.scope = 'global'
           OR (sp.scope = 'organization' AND sp.organization_id = u.organization_id)
           OR (sp.scope = 'user' AND sp.user_id = u.id))
    ORDER BY CASE sp.scope WHEN 'global' THEN 0 WHEN 'organization' THEN 1 ELSE 2 END,
             sp.priority, sp.created_at, sp.id
$$;

-- States are kept after use until they expire, so a replayed state is recognised as used.
CREATE OR REPLACE FUNCTION cleanup_expired_oauth_states() RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM oauth_states WHERE expires_at <= now();
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

-- A token is dead when its access token has expired and there is no refresh token to renew it.
CREATE OR REPLACE FUNCTION cleanup_expired_oauth_tokens() RETURNS integer
    LANGUAGE plpgsql VOLATILE
AS $$
DECLARE
    v_count integer;
BEGIN
    DELETE FROM mcp_oauth_tokens
    WHERE expires_at IS NOT NULL AND expires_at <= now() AND refresh_token_encrypted IS NULL;
    GET DIAGNOSTICS v_count = ROW_COUNT;
    RETURN v_count;
END
$$;

-- ---------------------------------------------------------------------------------------------
-- Triggers
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE TRIGGER trg_organizations_updated_at BEFORE UPDATE ON organizations
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_users_updated_at BEFORE UPDATE ON users
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_user_sessions_updated_at BEFORE UPDATE ON user_sessions
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_mcp_configurations_updated_at BEFORE UPDATE ON mcp_configurations
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_system_prompts_updated_at BEFORE UPDATE ON system_prompts
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_mcp_oauth_tokens_updated_at BEFORE UPDATE ON mcp_oauth_tokens
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_agents_updated_at BEFORE UPDATE ON agents
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_models_updated_at BEFORE UPDATE ON models
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_chat_sessions_updated_at BEFORE UPDATE ON chat_sessions
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_agent_health_updated_at BEFORE UPDATE ON agent_health
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_agent_metrics_updated_at BEFORE UPDATE ON agent_metrics
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();
CREATE OR REPLACE TRIGGER trg_circuit_breaker_state_updated_at BEFORE UPDATE ON circuit_breaker_state
    FOR EACH ROW EXECUTE FUNCTION update_updated_at_column();

-- Statement level: the statement fails even when row-level security leaves it no rows to touch,
-- so no role (owner and superuser included) can mistake a refused change for an empty one.
CREATE OR REPLACE TRIGGER trg_audit_logs_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON audit_logs
    FOR EACH STATEMENT EXECUTE FUNCTION prevent_audit_modification();
CREATE OR REPLACE TRIGGER trg_admin_audit_log_immutable BEFORE UPDATE OR DELETE OR TRUNCATE ON admin_audit_log
    FOR EACH STATEMENT EXECUTE FUNCTION prevent_audit_modification();

-- ---------------------------------------------------------------------------------------------
-- Views (security_invoker: row-level security of the querying role applies through them)
-- ---------------------------------------------------------------------------------------------

CREATE OR REPLACE VIEW active_user_sessions WITH (security_invoker = true) AS
SELECT s.id, s.user_id, s.organization_id, u.email, u.role, s.workspace_context, s.ip_address, s.user_agent,
       s.created_at, s.last_seen_at, s.expires_at
FROM user_sessions s
JOIN users u ON u.id = s.user_id
WHERE s.revoked_at IS NULL AND s.expires_at > now() AND u.is_active;

-- What the calling user's agents connect to: enabled configurations, a personal one replacing the
-- organization's of the same name.
CREATE OR REPLACE VIEW effective_mcp_configurations WITH (security_invoker = true) AS
SELECT DISTINCT ON (c.organization_id, c.name)
       c.id, c.organization_id, c.user_id, c.name, c.description, c.transport, c.url, c.command, c.args,
       c.env, c.headers, c.auth_type, (c.user_id IS NOT NULL) AS is_personal, c.created_at, c.updated_at
FROM mcp_configurations c
WHERE c.enabled
  AND (c.user_id IS NULL OR c.user_id = app_current_user_id())
ORDER BY c.organization_id, c.name, (c.user_id IS NULL);

CREATE OR REPLACE VIEW v_recent_sessions WITH (security_invoker = true) AS
SELECT s.id, s.organization_id, s.user_id, s.title, s.archived, s.agent_id, a.name AS agent_name,
       s.model_id, m.name AS model_name, s.created_at, s.updated_at,
       COALESCE(s.last_message_at, s.created_at) AS last_activity_at,
       (SELECT count(*) FROM chat_messages cm WHERE cm.session_id = s.id) AS message_count
FROM chat_sessions s
JOIN agents a ON a.id = s.agent_id
JOIN models m ON m.id = s.model_id;

CREATE OR REPLACE VIEW v_agent_status WITH (security_invoker = true) AS
SELECT a.id AS agent_id, a.name, a.type, a.enabled,
       COALESCE(h.status, 'unknown') AS health_status, h.latency_ms, h.consecutive_failures,
       h.last_check_at, h.last_success_at,
       COALESCE(cb.state, 'closed') AS breaker_state, cb.opened_at AS breaker_opened_at,
       cb.next_attempt_at AS breaker_next_attempt_at,
       (SELECT count(*) FROM models m WHERE m.agent_id = a.id AND m.enabled) AS enabled_models
FROM agents a
LEFT JOIN agent_health h ON h.agent_id = a.id
LEFT JOIN circuit_breaker_state cb ON cb.agent_id = a.id;

-- ---------------------------------------------------------------------------------------------
-- Row-level security
-- ---------------------------------------------------------------------------------------------

ALTER TABLE organizations         ENABLE ROW LEVEL SECURITY;
ALTER TABLE users                 ENABLE ROW LEVEL SECURITY;
ALTER TABLE user_sessions         ENABLE ROW LEVEL SECURITY;
ALTER TABLE platform_admins       ENABLE ROW LEVEL SECURITY;
ALTER TABLE mcp_configurations    ENABLE ROW LEVEL SECURITY;
ALTER TABLE system_prompts        ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_logs            ENABLE ROW LEVEL SECURITY;
ALTER TABLE admin_audit_log       ENABLE ROW LEVEL SECURITY;
ALTER TABLE oauth_states          ENABLE ROW LEVEL SECURITY;
ALTER TABLE mcp_oauth_tokens      ENABLE ROW LEVEL SECURITY;
ALTER TABLE agents                ENABLE ROW LEVEL SECURITY;
ALTER TABLE models                ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_sessions         ENABLE ROW LEVEL SECURITY;
ALTER TABLE chat_messages         ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_executions      ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_health          ENABLE ROW LEVEL SECURITY;
ALTER TABLE agent_metrics         ENABLE ROW LEVEL SECURITY;
ALTER TABLE circuit_breaker_state ENABLE ROW LEVEL SECURITY;

ALTER TABLE organizations         FORCE ROW LEVEL SECURITY;
ALTER TABLE users                 FORCE ROW LEVEL SECURITY;
ALTER TABLE user_sessions         FORCE ROW LEVEL SECURITY;
ALTER TABLE platform_admins       FORCE ROW LEVEL SECURITY;
ALTER TABLE mcp_configurations    FORCE ROW LEVEL SECURITY;
ALTER TABLE system_prompts        FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_logs            FORCE ROW LEVEL SECURITY;
ALTER TABLE admin_audit_log       FORCE ROW LEVEL SECURITY;
ALTER TABLE oauth_states          FORCE ROW LEVEL SECURITY;
ALTER TABLE mcp_oauth_tokens      FORCE ROW LEVEL SECURITY;
ALTER TABLE agents                FORCE ROW LEVEL SECURITY;
ALTER TABLE models                FORCE ROW LEVEL SECURITY;
ALTER TABLE chat_sessions         FORCE ROW LEVEL SECURITY;
ALTER TABLE chat_messages         FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_executions      FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_health          FORCE ROW LEVEL SECURITY;
ALTER TABLE agent_metrics         FORCE ROW LEVEL SECURITY;
ALTER TABLE circuit_breaker_state FORCE ROW LEVEL SECURITY;

-- organizations: members read their own; creation, suspension and deletion are platform matters.
DROP POLICY IF EXISTS organizations_select ON organizations;
CREATE POLICY organizations_select ON organizations FOR SELECT
    USING (id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS organizations_update ON organizations;
CREATE POLICY organizations_update ON organizations FOR UPDATE
    USING (id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK (id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS organizations_insert ON organizations;
CREATE POLICY organizations_insert ON organizations FOR INSERT
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS organizations_delete ON organizations;
CREATE POLICY organizations_delete ON organizations FOR DELETE
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

-- users: everyone in an organization sees its members; writes stay inside the organization.
DROP POLICY IF EXISTS users_select ON users;
CREATE POLICY users_select ON users FOR SELECT
    USING (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS users_insert ON users;
CREATE POLICY users_insert ON users FOR INSERT
    WITH CHECK (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS users_update ON users;
CREATE POLICY users_update ON users FOR UPDATE
    USING (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS users_delete ON users;
CREATE POLICY users_delete ON users FOR DELETE
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

-- user_sessions: private to their user; platform admins may look, not touch.
DROP POLICY IF EXISTS user_sessions_select ON user_sessions;
CREATE POLICY user_sessions_select ON user_sessions FOR SELECT
    USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS user_sessions_insert ON user_sessions;
CREATE POLICY user_sessions_insert ON user_sessions FOR INSERT
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS user_sessions_update ON user_sessions;
CREATE POLICY user_sessions_update ON user_sessions FOR UPDATE
    USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS user_sessions_delete ON user_sessions;
CREATE POLICY user_sessions_delete ON user_sessions FOR DELETE
    USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_system()));

-- platform_admins: a user may learn whether they are one; only platform admins manage the list.
DROP POLICY IF EXISTS platform_admins_select ON platform_admins;
CREATE POLICY platform_admins_select ON platform_admins FOR SELECT
    USING (user_id = (SELECT app_current_user_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS platform_admins_write ON platform_admins;
CREATE POLICY platform_admins_write ON platform_admins FOR ALL
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

-- mcp_configurations: organization-wide rows for the organization, personal rows for their owner.
DROP POLICY IF EXISTS mcp_configurations_select ON mcp_configurations;
CREATE POLICY mcp_configurations_select ON mcp_configurations FOR SELECT
    USING ((organization_id = (SELECT app_current_org_id()) AND (user_id IS NULL OR user_id = (SELECT app_current_user_id())))
           OR ((SELECT app_is_platform_admin()) AND user_id IS NULL)
           OR (SELECT app_is_system()));
DROP POLICY IF EXISTS mcp_configurations_insert ON mcp_configurations;
CREATE POLICY mcp_configurations_insert ON mcp_configurations FOR INSERT
    WITH CHECK ((organization_id = (SELECT app_current_org_id()) AND (user_id IS NULL OR user_id = (SELECT app_current_user_id())))
                OR (SELECT app_is_system()));
DROP POLICY IF EXISTS mcp_configurations_update ON mcp_configurations;
CREATE POLICY mcp_configurations_update ON mcp_configurations FOR UPDATE
    USING ((organization_id = (SELECT app_current_org_id()) AND (user_id IS NULL OR user_id = (SELECT app_current_user_id())))
           OR (SELECT app_is_system()))
    WITH CHECK ((organization_id = (SELECT app_current_org_id()) AND (user_id IS NULL OR user_id = (SELECT app_current_user_id())))
                OR (SELECT app_is_system()));
DROP POLICY IF EXISTS mcp_configurations_delete ON mcp_configurations;
CREATE POLICY mcp_configurations_delete ON mcp_configurations FOR DELETE
    USING ((organization_id = (SELECT app_current_org_id()) AND (user_id IS NULL OR user_id = (SELECT app_current_user_id())))
           OR (SELECT app_is_system()));

-- system_prompts: global rows are read-only except to platform admins; user rows stay private.
DROP POLICY IF EXISTS system_prompts_select ON system_prompts;
CREATE POLICY system_prompts_select ON system_prompts FOR SELECT
    USING (scope = 'global'
           OR (scope = 'organization' AND organization_id = (SELECT app_current_org_id()))
           OR (scope = 'user' AND user_id = (SELECT app_current_user_id()))
           OR ((SELECT app_is_platform_admin()) AND scope <> 'user')
           OR (SELECT app_is_system()));
DROP POLICY IF EXISTS system_prompts_insert ON system_prompts;
CREATE POLICY system_prompts_insert ON system_prompts FOR INSERT
    WITH CHECK ((scope = 'global' AND (SELECT app_is_platform_admin()))
                OR (scope = 'organization' AND organization_id = (SELECT app_current_org_id()))
                OR (scope = 'user' AND user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id()))
                OR (SELECT app_is_system()));
DROP POLICY IF EXISTS system_prompts_update ON system_prompts;
CREATE POLICY system_prompts_update ON system_prompts FOR UPDATE
    USING ((scope = 'global' AND (SELECT app_is_platform_admin()))
           OR (scope = 'organization' AND organization_id = (SELECT app_current_org_id()))
           OR (scope = 'user' AND user_id = (SELECT app_current_user_id()))
           OR (SELECT app_is_system()))
    WITH CHECK ((scope = 'global' AND (SELECT app_is_platform_admin()))
                OR (scope = 'organization' AND organization_id = (SELECT app_current_org_id()))
                OR (scope = 'user' AND user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id()))
                OR (SELECT app_is_system()));
DROP POLICY IF EXISTS system_prompts_delete ON system_prompts;
CREATE POLICY system_prompts_delete ON system_prompts FOR DELETE
    USING ((scope = 'global' AND (SELECT app_is_platform_admin()))
           OR (scope = 'organization' AND organization_id = (SELECT app_current_org_id()))
           OR (scope = 'user' AND user_id = (SELECT app_current_user_id()))
           OR (SELECT app_is_system()));

-- audit_logs: append-only (no UPDATE or DELETE policy, and a trigger besides).
DROP POLICY IF EXISTS audit_logs_select ON audit_logs;
CREATE POLICY audit_logs_select ON audit_logs FOR SELECT
    USING (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS audit_logs_insert ON audit_logs;
CREATE POLICY audit_logs_insert ON audit_logs FOR INSERT
    WITH CHECK (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS admin_audit_log_select ON admin_audit_log;
CREATE POLICY admin_audit_log_select ON admin_audit_log FOR SELECT
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS admin_audit_log_insert ON admin_audit_log;
CREATE POLICY admin_audit_log_insert ON admin_audit_log FOR INSERT
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

-- oauth_states and mcp_oauth_tokens: the user's own, never anyone else's (platform admins included).
DROP POLICY IF EXISTS oauth_states_owner ON oauth_states;
CREATE POLICY oauth_states_owner ON oauth_states FOR ALL
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS mcp_oauth_tokens_owner ON mcp_oauth_tokens;
CREATE POLICY mcp_oauth_tokens_owner ON mcp_oauth_tokens FOR ALL
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));

-- agents, models, agent_health, circuit_breaker_state: platform catalogue, readable by any caller.
DROP POLICY IF EXISTS agents_select ON agents;
CREATE POLICY agents_select ON agents FOR SELECT
    USING ((SELECT app_current_user_id()) IS NOT NULL OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agents_write ON agents;
CREATE POLICY agents_write ON agents FOR ALL
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS models_select ON models;
CREATE POLICY models_select ON models FOR SELECT
    USING ((SELECT app_current_user_id()) IS NOT NULL OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS models_write ON models;
CREATE POLICY models_write ON models FOR ALL
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS agent_health_select ON agent_health;
CREATE POLICY agent_health_select ON agent_health FOR SELECT
    USING ((SELECT app_current_user_id()) IS NOT NULL OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agent_health_write ON agent_health;
CREATE POLICY agent_health_write ON agent_health FOR ALL
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS circuit_breaker_state_select ON circuit_breaker_state;
CREATE POLICY circuit_breaker_state_select ON circuit_breaker_state FOR SELECT
    USING ((SELECT app_current_user_id()) IS NOT NULL OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS circuit_breaker_state_write ON circuit_breaker_state;
CREATE POLICY circuit_breaker_state_write ON circuit_breaker_state FOR ALL
    USING ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_platform_admin()) OR (SELECT app_is_system()));

-- chat_sessions and chat_messages: private conversations.
DROP POLICY IF EXISTS chat_sessions_owner ON chat_sessions;
CREATE POLICY chat_sessions_owner ON chat_sessions FOR ALL
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));

DROP POLICY IF EXISTS chat_messages_owner ON chat_messages;
CREATE POLICY chat_messages_owner ON chat_messages FOR ALL
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));

-- agent_executions: the user's own; platform admins read all for operations.
DROP POLICY IF EXISTS agent_executions_select ON agent_executions;
CREATE POLICY agent_executions_select ON agent_executions FOR SELECT
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id()))
           OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agent_executions_insert ON agent_executions;
CREATE POLICY agent_executions_insert ON agent_executions FOR INSERT
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agent_executions_update ON agent_executions;
CREATE POLICY agent_executions_update ON agent_executions FOR UPDATE
    USING ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()))
    WITH CHECK ((user_id = (SELECT app_current_user_id()) AND organization_id = (SELECT app_current_org_id())) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agent_executions_delete ON agent_executions;
CREATE POLICY agent_executions_delete ON agent_executions FOR DELETE
    USING ((SELECT app_is_system()));

-- agent_metrics: an organization reads its own rollups; the platform-wide rows (organization_id
-- NULL) are for platform admins; only background jobs write.
DROP POLICY IF EXISTS agent_metrics_select ON agent_metrics;
CREATE POLICY agent_metrics_select ON agent_metrics FOR SELECT
    USING (organization_id = (SELECT app_current_org_id()) OR (SELECT app_is_platform_admin()) OR (SELECT app_is_system()));
DROP POLICY IF EXISTS agent_metrics_write ON agent_metrics;
CREATE POLICY agent_metrics_write ON agent_metrics FOR ALL
    USING ((SELECT app_is_system()))
    WITH CHECK ((SELECT app_is_system()));

-- ---------------------------------------------------------------------------------------------
-- Grants: the application role gets data access, never ownership; audit tables are append-only.
-- ---------------------------------------------------------------------------------------------

GRANT USAGE ON SCHEMA public TO agent_hub_app;
GRANT SELECT, INSERT, UPDATE, DELETE ON
    organizations, users, user_sessions, platform_admins, mcp_configurations, system_prompts,
    oauth_states, mcp_oauth_tokens, agents, models, chat_sessions, chat_messages, agent_executions,
    agent_health, agent_metrics, circuit_breaker_state
    TO agent_hub_app;
GRANT SELECT, INSERT ON audit_logs, admin_audit_log TO agent_hub_app;
GRANT SELECT ON active_user_sessions, effective_mcp_configurations, v_recent_sessions, v_agent_status TO agent_hub_app;
GRANT EXECUTE ON FUNCTION
    app_current_user_id(), app_current_org_id(), app_is_platform_admin(), app_is_system(),
    encrypt_token(text, text), decrypt_token(bytea, text),
    log_audit_event(text, text, text, jsonb, text, inet, text, uuid),
    cleanup_expired_sessions(), get_effective_system_prompts(uuid),
    cleanup_expired_oauth_states(), cleanup_expired_oauth_tokens()
    TO agent_hub_app;

-- ---------------------------------------------------------------------------------------------
-- Comments
-- ---------------------------------------------------------------------------------------------

COMMENT ON TABLE organizations IS 'Tenants. Suspended organizations keep their data but their users are refused.';
COMMENT ON TABLE users IS 'Users provisioned from verified OIDC tokens, one organization each.';
COMMENT ON TABLE user_sessions IS 'Login sessions refreshed on every authenticated request, with workspace context.';
COMMENT ON TABLE platform_admins IS 'Users who administer the platform across organizations.';
COMMENT ON TABLE mcp_configurations IS 'MCP server configurations, organization-wide (user_id NULL) or personal.';
COMMENT ON TABLE system_prompts IS 'Hierarchical system prompts: global, organization, user.';
COMMENT ON TABLE audit_logs IS 'Immutable audit trail of every mutation, per organization.';
COMMENT ON TABLE admin_audit_log IS 'Immutable audit trail of platform administrator actions.';
COMMENT ON TABLE oauth_states IS 'Pending OAuth authorization requests: CSRF state and PKCE verifier, single use.';
COMMENT ON TABLE mcp_oauth_tokens IS 'OAuth tokens for MCP servers, encrypted with encrypt_token(); one row per user and configuration.';
COMMENT ON TABLE agents IS 'Agents (ccrouter, droid) with provider settings and resilience limits.';
COMMENT ON TABLE models IS 'Models offered by each agent, mapped to provider model ids.';
COMMENT ON TABLE chat_sessions IS 'Conversations between a user and an agent.';
COMMENT ON TABLE chat_messages IS 'Messages of a conversation in insertion order (seq).';
COMMENT ON TABLE agent_executions IS 'One row per model call: status, latency, tokens, errors.';
COMMENT ON TABLE agent_health IS 'Latest health probe result per agent.';
COMMENT ON TABLE agent_metrics IS 'Daily rollups of agent_executions per organization (NULL: platform-wide), agent and model.';
COMMENT ON TABLE circuit_breaker_state IS 'Circuit breaker state per agent, shared by all replicas.';
COMMENT ON FUNCTION encrypt_token(text, text) IS 'pgcrypto symmetric encryption; the key is an argument and never stored.';
COMMENT ON FUNCTION log_audit_event(text, text, text, jsonb, text, inet, text, uuid) IS 'Writes one audit_logs row for the bound caller.';

-- ---------------------------------------------------------------------------------------------
-- Seed data (system context, transaction-local, so forced row-level security lets it through)
-- ---------------------------------------------------------------------------------------------

DO $$
BEGIN
    PERFORM set_config('app.system_context', 'on', true);

    INSERT INTO agents (name, type, display_name, description, config)
    VALUES ('ccrouter', 'routing', 'CCRouter', 'VertexAI/Gemini routing agent',
            '{"provider": "vertex-ai", "location": "us-central1"}'::jsonb),
           ('droid', 'multi-model', 'Droid', 'Multi-model Droid agent via OpenRouter',
            '{"provider": "openrouter"}'::jsonb)
    ON CONFLICT (name) DO NOTHING;

    INSERT INTO models (agent_id, name, provider_model_id, display_name, context_window, max_output_tokens)
    SELECT a.id, v.name, v.provider_model_id, v.display_name, v.context_window, v.max_output_tokens
    FROM (VALUES
            ('ccrouter', 'gemini-1.5-pro', 'gemini-1.5-pro', 'Gemini 1.5 Pro', 2097152, 8192),
            ('ccrouter', 'gemini-1.5-flash', 'gemini-1.5-flash', 'Gemini 1.5 Flash', 1048576, 8192),
            ('droid', 'claude-3-opus', 'anthropic/claude-3-opus', 'Claude 3 Opus', 200000, 4096),
            ('droid', 'gpt-4', 'openai/gpt-4', 'GPT-4', 8191, 4096)
         ) AS v (agent, name, provider_model_id, display_name, context_window, max_output_tokens)
    JOIN agents a ON a.name = v.agent
    ON CONFLICT (agent_id, name) DO NOTHING;

    INSERT INTO agent_health (agent_id)
    SELECT id FROM agents ON CONFLICT (agent_id) DO NOTHING;

    INSERT INTO circuit_breaker_state (agent_id)
    SELECT id FROM agents ON CONFLICT (agent_id) DO NOTHING;

    PERFORM set_config('app.system_context', '', true);
END
$$;
