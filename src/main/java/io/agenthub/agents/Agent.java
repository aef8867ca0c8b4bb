package io.agenthub.agents;

import java.util.Map;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

import io.agenthub.tenancy.TrackedEntity;

@Entity
@Table(name = "agents")
public class Agent extends TrackedEntity {

    @Column(columnDefinition = "text")
    public String name;
    @Column(columnDefinition = "text")
    public String type;
    @Column(name = "display_name", columnDefinition = "text")
    public String displayName;
    @Column(columnDefinition = "text")
    public String description;
    @JdbcTypeCode(SqlTypes.JSON)
    public Map<String, Object> config;
    public boolean enabled;
    @Column(name = "request_timeout_ms")
    public int requestTimeoutMs;
    @Column(name = "first_token_timeout_ms")
    public int firstTokenTimeoutMs;
    @Column(name = "stream_idle_timeout_ms")
    public int streamIdleTimeoutMs;
    @Column(name = "max_retries")
    public int maxRetries;
    @Column(name = "max_concurrent_calls")
    public int maxConcurrentCalls;
    @Column(name = "breaker_failure_threshold")
    public int breakerFailureThreshold;
    @Column(name = "breaker_open_ms")
    public int breakerOpenMs;
    @Column(name = "fallback_model_id")
    public UUID fallbackModelId;

    public String provider() {
        Object provider = config == null ? null : config.get("provider");
        return provider == null ? "" : provider.toString();
    }
}
