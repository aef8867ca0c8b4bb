package io.agenthub.agents.providers;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import io.smallrye.mutiny.Multi;
import io.vertx.mutiny.core.Vertx;
import io.vertx.mutiny.core.http.HttpClientResponse;

/**
 * The {@code data:} payloads of a server-sent event stream, as they arrive. Comment lines (such as
 * OpenRouter's {@code : OPENROUTER PROCESSING}) are skipped. The first payload must arrive within
 * {@code firstMs} and each next one within {@code idleMs}, or the stream fails with a timeout;
 * cancelling the subscription resets the upstream request (its HTTP/2 stream, or over HTTP/1.1
 * its connection), so the provider stops generating.
 */
public final class SseStream {

    private SseStream() {
    }

    public static Multi<String> data(Vertx vertx, HttpClientResponse response, String provider, long firstMs, long idleMs) {
        return Multi.createFrom().emitter(emitter -> {
            StringBuilder pending = new StringBuilder();
            List<String> dataLines = new ArrayList<>();
            long[] timer = {-1};
            AtomicBoolean started = new AtomicBoolean();
            AtomicBoolean done = new AtomicBoolean();
            Runnable arm = () -> {
                if (timer[0] >= 0) {
                    vertx.cancelTimer(timer[0]);
                }
                timer[0] = vertx.setTimer(started.get() ? idleMs : firstMs, id -> {
                    if (done.compareAndSet(false, true)) {
                        response.request().reset();
                        emitter.fail(ProviderException.timeout(provider));
                    }
                });
            };
            arm.run();
            response.handler(buffer -> {
                pending.append(buffer.toString(StandardCharsets.UTF_8));
                int newline;
                while ((newline = pending.indexOf("\n")) >= 0) {
                    String line = pending.substring(0, newline);
                    pending.delete(0, newline + 1);
                    if (line.endsWith("\r")) {
                        line = line.substring(0, line.length() - 1);
                    }
                    if (line.isEmpty()) {
                        if (!dataLines.isEmpty()) {
                            started.set(true);
                            arm.run();
                            emitter.emit(String.join("\n", dataLines));
                            dataLines.clear();
                        }
                    } else if (line.startsWith("data:")) {
                        dataLines.add(line.substring(5).stripLeading());
                    }
                    // comment lines (":...") and other fields (event:, id:, retry:) carry nothing we use
                }
            });
            response.exceptionHandler(e -> {
                if (done.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    emitter.fail(ProviderException.malformed(provider, "the stream broke off"));
                }
            });
            response.endHandler(() -> {
                if (done.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer[0]);
                    if (!dataLines.isEmpty()) {
                        emitter.emit(String.join("\n", dataLines));
                    } else if (!started.get()) {
                        // an empty stream is no answer, however politely it ended
                        emitter.fail(ProviderException.malformed(provider, "the stream ended without an event"));
                        return;
                    }
                    emitter.complete();
                }
            });
            emitter.onTermination(() -> {
                vertx.cancelTimer(timer[0]);
                if (done.compareAndSet(false, true)) {
                    // the client went away: stop paying for tokens nobody reads
                    response.request().reset();
                }
            });
            response.resume();
        });
    }
}
