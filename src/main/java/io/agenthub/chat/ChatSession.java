package io.agenthub.chat;

import java.time.Instant;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.agenthub.tenancy.TrackedEntity;

@Entity
@Table(name = "chat_sessions")
public class ChatSession extends TrackedEntity {

    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "user_id")
    public UUID userId;
    @Column(name = "agent_id")
    public UUID agentId;
    @Column(name = "model_id")
    public UUID modelId;
    @Column(columnDefinition = "text")
    public String title;
    public boolean archived;
    @Column(name = "last_message_at")
    public Instant lastMessageAt;
}
