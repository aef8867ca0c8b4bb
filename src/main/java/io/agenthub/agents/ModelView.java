package io.agenthub.agents;

import java.math.BigDecimal;
import java.util.UUID;

public record ModelView(UUID id, String name, String providerModelId, String displayName, int contextWindow,
        int maxOutputTokens, BigDecimal inputCostPerMtok, BigDecimal outputCostPerMtok, boolean enabled) {

    static ModelView of(Model m) {
        return new ModelView(m.id, m.name, m.providerModelId, m.displayName, m.contextWindow, m.maxOutputTokens,
                m.inputCostPerMtok, m.outputCostPerMtok, m.enabled);
    }
}
