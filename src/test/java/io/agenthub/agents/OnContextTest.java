package io.agenthub.agents;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import io.smallrye.mutiny.Multi;
import io.vertx.core.Context;
import io.vertx.core.Vertx;

class OnContextTest {

    private final Vertx vertx = Vertx.vertx();

    @AfterEach
    void close() {
        vertx.close();
    }

    @Test
    void aFailureArrivingWithItemsStillQueuedComesAfterThem() throws Exception {
        Context context = vertx.getOrCreateContext();
        CountDownLatch busy = new CountDownLatch(1);
        // the context is busy while the provider's read delivers a chunk and then the broken one
        context.runOnContext(v -> await(busy));
        List<Object> seen = new CopyOnWriteArrayList<>();
        CountDownLatch ended = new CountDownLatch(1);
        OnContext.emit(Multi.createFrom().<String> emitter(e -> {
            e.emit("So far ");
            e.fail(new IllegalStateException("malformed"));
        }), context).subscribe().with(item -> seen.add(item + " on " + (Vertx.currentContext() == context)),
                failure -> {
                    seen.add(failure.getMessage());
                    ended.countDown();
                });
        busy.countDown();
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(seen).containsExactly("So far  on true", "malformed");
    }

    @Test
    void aCheckedFailureIsRaisedAsItWas() throws Exception {
        Context context = vertx.getOrCreateContext();
        CountDownLatch ended = new CountDownLatch(1);
        List<Throwable> failures = new CopyOnWriteArrayList<>();
        OnContext.emit(Multi.createFrom().<String> failure(new java.io.IOException("reset")), context).subscribe()
                .with(item -> { }, failure -> {
                    failures.add(failure);
                    ended.countDown();
                });
        assertThat(ended.await(5, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).singleElement().isInstanceOf(java.io.IOException.class);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
