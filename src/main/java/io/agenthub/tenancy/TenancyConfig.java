package io.agenthub.tenancy;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.tenancy")
public interface TenancyConfig {

    /** Token claim naming the caller's organisation (its value becomes organizations.external_id). */
    @WithDefault("org_id")
    String organizationClaim();

    /** Token claim with a display name for an organisation created on first sight. */
    @WithDefault("org_name")
    String organizationNameClaim();

    /** Create an unknown organisation on its first user's first request; otherwise such callers get 403. */
    @WithDefault("false")
    boolean autoCreateOrganizations();

    /** OIDC subjects made platform administrators when they sign in (bootstrap of the first admins). */
    Optional<List<String>> platformAdminSubjects();

    /** Request header carrying the caller's workspace context (a JSON object) for user_sessions. */
    @WithDefault("X-Workspace-Context")
    String workspaceHeader();

    /** Session lifetime when the token carries no expiry. */
    @WithDefault("PT12H")
    Duration sessionTtl();
}
