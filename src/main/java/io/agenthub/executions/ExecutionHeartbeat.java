package io.agenthub.executions;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.tenancy.TenantTransactions;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;

/**
 * Every replica reports the executions it runs as alive and ends those nobody has reported for
 * {@code agent-hub.executions.abandon-after}: the turns of a replica that was killed are closed
 * within that time by whichever replica is left, whether the killed one comes back or not.
 */
@ApplicationScoped
public class ExecutionHeartbeat {

    private static final Logger LOG = Logger.getLogger(ExecutionHeartbeat.class);

    private final TenantTransactions transactions;
    private final ExecutionRecorder recorder;
    private final ExecutionsConfig config;

    public ExecutionHeartbeat(TenantTransactions transactions, ExecutionRecorder recorder, ExecutionsConfig config) {
        this.transactions = transactions;
        this.recorder = recorder;
        this.config = config;
    }

    @Scheduled(every = "${agent-hub.executions.heartbeat}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    Uni<Void> beat() {
        return transactions.asSystem(() -> recorder.reapAbandoned(config.abandonAfter()))
                .invoke(ended -> {
                    if (ended > 0) {
                        LOG.warnf("%d executions no replica reported running were closed as abandoned", ended);
                    }
                })
                .replaceWithVoid()
                .onFailure().recoverWithUni(e -> {
                    LOG.debugf("Execution heartbeat skipped: %s", e.getMessage());
                    return Uni.createFrom().voidItem();
                });
    }
}
