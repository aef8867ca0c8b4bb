package io.agenthub.web;

import io.smallrye.mutiny.Uni;

/**
 * A client that disconnects cancels its request's Uni. Work that must not stop half-way (a
 * transaction, whose session would be closed under a live statement; a chat turn, whose execution
 * must be recorded) is subscribed on its own: it runs to its end, and a client that has gone away
 * simply never sees the result.
 */
public final class Disconnects {

    private Disconnects() {
    }

    public static <T> Uni<T> survive(Uni<T> work) {
        return Uni.createFrom().emitter(emitter -> work.subscribe().with(emitter::complete, emitter::fail));
    }
}
