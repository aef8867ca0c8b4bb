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
    public String name;
    public String description;
    public String transport;
    public String url;
    public String command;
    public String[] args;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> env;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, String> headers;
    @Column(name = "auth_type")
    public String authType;
    @Column(name = "oauth_client_id")
    public String oauthClientId;
    /** pre_registered (an administrator's) or dynamic_registration (Agent Hub's); null without a client id, or from before. */
    @Column(name = "oauth_client_source")
    public String oauthClientSource;
    /** The issuer a dynamically registered client was registered with: another issuer needs another registration. */
    @Column(name = "oauth_client_issuer")
    public String oauthClientIssuer;
    @Column(name = "oauth_client_secret_encrypted")
    public byte[] oauthClientSecretEncrypted;
    @Column(name = "oauth_key_id")
    public String oauthKeyId;
    @Column(name = "oauth_scopes")
    public String oauthScopes;
    @Column(name = "oauth_issuer")
    public String oauthIssuer;
    @Column(name = "oauth_authorization_endpoint")
    public String oauthAuthorizationEndpoint;
    @Column(name = "oauth_token_endpoint")
    public String oauthTokenEndpoint;
    @Column(name = "oauth_revocation_endpoint")
    public String oauthRevocationEndpoint;
    @Column(name = "oauth_registration_endpoint")
    public String oauthRegistrationEndpoint;
    @Column(name = "oauth_resource")
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
