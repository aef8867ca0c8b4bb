package io.agenthub.outbound;

import java.util.concurrent.atomic.AtomicBoolean;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.subscription.UniEmitter;
import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;

/**
 * HTTP to URLs tenants supplied, under {@link OutboundPolicy}: the checked address is the one
 * connected to (the host is only presented, for Host, SNI and certificate checks), redirects are
 * never followed, the answer is capped, and the whole call has one deadline.
 */
@ApplicationScoped
public class OutboundHttp {

    private static final Logger LOG = Logger.getLogger(OutboundHttp.class);

    /** A complete answer, whatever its status. */
    public record Response(int status, MultiMap headers, Buffer body) {

        public String header(String name) {
            return headers.get(name);
        }
    }

    /**
     * The target could not be used: unreachable, too slow, or too large an answer. The message is
     * for the log; callers answer with a detail of their own that says nothing of the target.
     */
    public static class Unreachable extends RuntimeException {
        public Unreachable(String message) {
            super(message, null, false, false);
        }
    }

    private final Vertx vertx;
    private final OutboundPolicy policy;
    private final OutboundConfig config;
    private final HttpClient client;

    public OutboundHttp(Vertx vertx, OutboundPolicy policy, OutboundConfig config) {
        this.vertx = vertx;
        this.policy = policy;
        this.config = config;
        this.client = vertx.createHttpClient(new HttpClientOptions()
                .setConnectTimeout((int) config.connectTimeout().toMillis())
                .setForceSni(true)
                .setVerifyHost(true)
                .setKeepAlive(true)
                .setMaxPoolSize(16))
                // a reset the call already answered for (or of an idle pooled connection) is nobody's error
                .connectionHandler(connection -> connection.exceptionHandler(
                        e -> LOG.debugf("Outbound connection to %s ended: %s", connection.remoteAddress(), e.getMessage())));
    }

    @PreDestroy
    void close() {
        client.close();
    }

    /** Fetches {@code url} as {@code what} (named in refusals). */
    public Uni<Response> send(String what, HttpMethod method, String url, MultiMap headers, Buffer body) {
        long deadline = System.nanoTime() + config.deadline().toNanos();
        return policy.check(what, url).chain(target -> Uni.createFrom().<Response>emitter(emitter -> exchange(target, method, headers,
                body, deadline, emitter)));
    }

    private void exchange(OutboundPolicy.Target target, HttpMethod method, MultiMap headers, Buffer body, long deadline,
            UniEmitter<? super Response> emitter) {
        AtomicBoolean done = new AtomicBoolean();
        HttpClientRequest[] sent = new HttpClientRequest[1];
        Runnable abort = () -> {
            if (sent[0] != null) {
                sent[0].reset();
            }
        };
        long remainingMs = Math.max(1, (deadline - System.nanoTime()) / 1_000_000);
        long timer = vertx.setTimer(remainingMs, id -> {
            if (done.compareAndSet(false, true)) {
                abort.run();
                emitter.fail(new Unreachable(target.host() + " did not answer within " + config.deadline()));
            }
        });
        java.util.function.Consumer<Throwable> fail = e -> {
            if (done.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                abort.run();
                emitter.fail(e instanceof Unreachable ? e : new Unreachable(target.host() + ": " + e));
            }
        };
        emitter.onTermination(() -> {
            // cancelled from downstream (or ended): nothing must keep running for it
            if (done.compareAndSet(false, true)) {
                vertx.cancelTimer(timer);
                abort.run();
            }
        });
        RequestOptions options = new RequestOptions()
                .setMethod(method)
                .setHost(target.host())
                .setPort(target.port())
                .setSsl(target.https())
                .setURI(target.pathAndQuery())
                .setServer(SocketAddress.inetSocketAddress(target.port(), target.address().getHostAddress()))
                .setFollowRedirects(false);
        if (headers != null) {
            options.setHeaders(headers);
        }
        int cap = config.maxResponseBytes();
        client.request(options).onComplete(ar -> {
            if (ar.failed()) {
                fail.accept(ar.cause());
                return;
            }
            HttpClientRequest request = ar.result();
            sent[0] = request;
            if (done.get()) {
                request.reset();
                return;
            }
            request.exceptionHandler(fail::accept);
            request.response().onComplete(response -> {
                if (response.failed()) {
                    fail.accept(response.cause());
                    return;
                }
                read(response.result(), cap, target, fail, answer -> {
                    if (done.compareAndSet(false, true)) {
                        vertx.cancelTimer(timer);
                        emitter.complete(answer);
                    }
                });
            });
            if (body == null) {
                request.end();
            } else {
                request.end(body);
            }
        });
    }

    private static void read(HttpClientResponse response, int cap, OutboundPolicy.Target target,
            java.util.function.Consumer<Throwable> fail, java.util.function.Consumer<Response> complete) {
        // set first: a reset below reaches it, and Vert.x logs resets nobody handles as errors
        response.exceptionHandler(fail::accept);
        String length = response.getHeader("Content-Length");
        if (length != null && length.matches("[0-9]{1,18}") && Long.parseLong(length) > cap) {
            fail.accept(new Unreachable(target.host() + " answered " + length + " bytes, over the cap of " + cap));
            return;
        }
        Buffer received = Buffer.buffer();
        response.handler(chunk -> {
            if (received.length() + chunk.length() > cap) {
                fail.accept(new Unreachable(target.host() + " answered over the cap of " + cap + " bytes"));
            } else {
                received.appendBuffer(chunk);
            }
        });
        response.endHandler(v -> {
            LOG.debugf("%s answered HTTP %d, %d bytes", target.host(), response.statusCode(), received.length());
            complete.accept(new Response(response.statusCode(), response.headers(), received));
        });
    }
}
