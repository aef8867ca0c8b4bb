package io.agenthub.mcp;

import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.agenthub.tenancy.TrackedEntity;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

@Entity
@Table(name = "mcp_configurations")
public class McpConfiguration extends TrackedEntity {

    @Column(name = "organization_id")
    public UUID organizationId;
    /** Null: organisation-wide. */
    @Column(name = "user_id")
    public UUID userId;
    @Column(columnDefinition = "text")
    public String name;
    @Column(columnDefinition = "text")
    public String description;
    @Column(columnDefinition = "text")
    public String transport;
    @Column(columnDefinition = "text")
    public String url;
    @Column(columnDefinition = "text")
    public String command;
    @Column(columnDefinition = "_text")
    public String[] args;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> env;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> headers;
    @Column(name = "auth_type", columnDefinition = "text")
    public String authType;
    @Column(name = "oauth_client_id", columnDefinition = "text")
    public String oauthClientId;
    /** pre_registered (an administrator's) or dynamic_registration (Agent Hub's); null without a client id, or from before. */
    @Column(name = "oauth_client_source", columnDefinition = "text")
    public String oauthClientSource;
    /** The issuer a dynamically registered client was registered with: another issuer needs another registration. */
    @Column(name = "oauth_client_issuer", columnDefinition = "text")
    public String oauthClientIssuer;
    @Column(name = "oauth_client_secret_encrypted")
    public byte[] oauthClientSecretEncrypted;
    @Column(name = "oauth_key_id", columnDefinition = "text")
    public String oauthKeyId;
    @Column(name = "oauth_scopes", columnDefinition = "text")
    public String oauthScopes;
    @Column(name = "oauth_issuer", columnDefinition = "text")
    public String oauthIssuer;
    @Column(name = "oauth_authorization_endpoint", columnDefinition = "text")
    public String oauthAuthorizationEndpoint;
    @Column(name = "oauth_token_endpoint", columnDefinition = "text")
    public String oauthTokenEndpoint;
    @Column(name = "oauth_revocation_endpoint", columnDefinition = "text")
    public String oauthRevocationEndpoint;
    @Column(name = "oauth_registration_endpoint", columnDefinition = "text")
    public String oauthRegistrationEndpoint;
    @Column(name = "oauth_resource", columnDefinition = "text")
    public String oauthResource;
    @JdbcTypeCode(SqlTypes.JSON)
    @Column(name = "oauth_extra_params")
    public Map<String, String> oauthExtraParams;
    public boolean enabled;
    @Column(name = "created_by")
    public UUID createdBy;

    public boolean isPersonal() {
        return userId != null;
    }
}
