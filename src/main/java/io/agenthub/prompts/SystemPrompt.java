package io.agenthub.prompts;

import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.agenthub.tenancy.TrackedEntity;

@Entity
@Table(name = "system_prompts")
public class SystemPrompt extends TrackedEntity {

    @Column(columnDefinition = "text")
    public String scope;
    @Column(name = "organization_id")
    public UUID organizationId;
    @Column(name = "user_id")
    public UUID userId;
    @Column(columnDefinition = "text")
    public String name;
    @Column(columnDefinition = "text")
    public String content;
    public int priority;
    public boolean enabled;
    @Column(name = "created_by")
    public UUID createdBy;
}
