package io.agenthub.agents;

import java.math.BigDecimal;
import java.util.UUID;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Table;

import io.agenthub.tenancy.TrackedEntity;

@Entity
@Table(name = "models")
public class Model extends TrackedEntity {

    @Column(name = "agent_id")
    public UUID agentId;
    @Column(columnDefinition = "text")
    public String name;
    @Column(name = "provider_model_id", columnDefinition = "text")
    public String providerModelId;
    @Column(name = "display_name", columnDefinition = "text")
    public String displayName;
    @Column(name = "context_window")
    public int contextWindow;
    @Column(name = "max_output_tokens")
    public int maxOutputTokens;
    @Column(name = "input_cost_per_mtok")
    public BigDecimal inputCostPerMtok;
    @Column(name = "output_cost_per_mtok")
    public BigDecimal outputCostPerMtok;
    public boolean enabled;
}
