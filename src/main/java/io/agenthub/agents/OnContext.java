package io.agenthub.agents;

import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;

/**
 * A provider's stream handed over to the request's context, in order. Mutiny's {@code emitOn}
 * alone lets a failure overtake the items still queued for the context: a chunk and the broken
 * one after it arriving in the same read would lose the chunk, and a partial reply would be
 * recorded as empty. Here the failure travels as the last item and is raised again on the far
 * side.
 */
public final class OnContext {

    private OnContext() {
    }

    private record Failed(Throwable failure) {
    }

    @SuppressWarnings("unchecked")
    public static <T> Multi<T> emit(Multi<T> items, Context context) {
        return items.<Object> map(item -> item)
                .onFailure().recoverWithItem(Failed::new)
                .emitOn(task -> context.runOnContext(v -> task.run()))
                .map(item -> {
                    if (item instanceof Failed failed) {
                        throw OnContext.<RuntimeException> raise(failed.failure());
                    }
                    return (T) item;
                });
    }

    // a checked failure from upstream is raised as it was, not wrapped
    @SuppressWarnings("unchecked")
    private static <E extends Throwable> E raise(Throwable failure) throws E {
        throw (E) failure;
    }
}
