package io.agenthub.chat;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import java.util.UUID;

import jakarta.ws.rs.NameBinding;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.core.UriInfo;

import org.jboss.resteasy.reactive.server.ServerRequestFilter;

import io.smallrye.mutiny.Uni;

/**
 * An event stream's status line leaves before its first event, so a streamed turn checks what the
 * caller got wrong (someone else's or an unknown session, a disabled agent or model, a read-only
 * role) before the stream opens: those answer a plain problem response with their 4xx status.
 * What only the provider can refuse still arrives as the stream's error event.
 */
public class StreamPreflight {

    /** Marks the resource methods whose request is checked before their event stream opens. */
    @NameBinding
    @Retention(RetentionPolicy.RUNTIME)
    @Target({ ElementType.TYPE, ElementType.METHOD })
    public @interface Checked {
    }

    private final ChatTurns turns;

    public StreamPreflight(ChatTurns turns) {
        this.turns = turns;
    }

    @Checked
    @ServerRequestFilter(priority = Priorities.AUTHORIZATION + 20)
    public Uni<Void> check(UriInfo uri) {
        UUID sessionId;
        try {
            sessionId = UUID.fromString(uri.getPathParameters().getFirst("id"));
        } catch (RuntimeException e) {
            // the parameter's own conversion answers this one, before any stream exists
            return Uni.createFrom().voidItem();
        }
        return turns.preflight(sessionId);
    }
}
