package io.agenthub.chat;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

import org.hibernate.annotations.Generated;

@Entity
@Table(name = "chat_messages")
public class ChatMessage {

    @Id
    public UUID id;
    /** The database numbers messages (an identity column); read back with the insert so replies show it. */
    @Generated
    @Column(insertable = false, updatable = false)
    public Long seq;
    @Column(name = "session_id")
    public UUID sessionId;
    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "user_id")
    public UUID userId;
    @Column(columnDefinition = "text")
    public String role;
    @Column(columnDefinition = "text")
    public String content;
    @Column(columnDefinition = "text")
    public String status;
    @Column(name = "idempotency_key", columnDefinition = "text")
    public String idempotencyKey;
    @Column(name = "input_tokens")
    public Integer inputTokens;
    @Column(name = "output_tokens")
    public Integer outputTokens;
    @Column(name = "created_at")
    public Instant createdAt;
}
