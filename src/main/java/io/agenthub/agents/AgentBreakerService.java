package io.agenthub.agents;

import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;

import io.agenthub.audit.AuditTrail;
import io.agenthub.tenancy.Caller;
import io.agenthub.tenancy.CurrentCaller;
import io.agenthub.tenancy.Sql;
import io.agenthub.tenancy.TenantTransactions;
import io.smallrye.mutiny.Uni;

/** An agent's shared circuit breaker as the API shows it, and its reset by platform admins. */
@ApplicationScoped
public class AgentBreakerService {

    private final TenantTransactions transactions;
    private final CurrentCaller current;
    private final AgentCatalogue catalogue;
    private final SharedBreakers breakers;
    private final AuditTrail audit;

    public AgentBreakerService(TenantTransactions transactions, CurrentCaller current, AgentCatalogue catalogue, SharedBreakers breakers,
            AuditTrail audit) {
        this.transactions = transactions;
        this.current = current;
        this.catalogue = catalogue;
        this.breakers = breakers;
        this.audit = audit;
    }

    public Uni<CircuitBreakerView> breaker(String agentName) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> catalogue.named(agentName, caller.platformAdmin()).chain(a -> breakerView(a.name)));
    }

    public Uni<CircuitBreakerView> resetBreaker(String agentName) {
        Caller caller = current.get();
        return transactions.inTransaction(() -> catalogue.named(agentName, true))
                .call(breakers::reset)
                .chain(() -> transactions.inTransaction(() -> catalogue.named(agentName, true)
                .call(a -> audit.recordAdmin(caller.userId(), caller.organizationId(), "agent.circuit_breaker.reset", "agent", a.name,
                        Map.of()))
                .chain(a -> breakerView(a.name))));
    }

    private Uni<CircuitBreakerView> breakerView(String agentName) {
        return Sql.record(r -> {
            breakers.observed(agentName, new SharedBreakers.State(r.text("state"), r.integer("failure_count"), r.instant("next_attempt_at"),
                    r.instant("updated_at")));
            return new CircuitBreakerView(agentName, r.text("state"), r.integer("failure_count"), r.integer("success_count"),
                    r.instant("last_failure_at"), r.instant("opened_at"), r.instant("next_attempt_at"), r.instant("last_transition_at"),
                    r.text("updated_by"));
        }, """
                SELECT cb.state, cb.failure_count, cb.success_count, cb.last_failure_at, cb.opened_at, cb.next_attempt_at,
                       cb.last_transition_at, cb.updated_by, cb.updated_at
                FROM circuit_breaker_state cb JOIN agents a ON a.id = cb.agent_id WHERE a.name = $1""", agentName)
                .map(view -> view != null ? view : new CircuitBreakerView(agentName, "closed", 0, 0, null, null, null, null, null));
    }
}
