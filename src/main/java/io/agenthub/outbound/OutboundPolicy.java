package io.agenthub.outbound;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;

import io.smallrye.mutiny.Uni;
import io.vertx.core.Vertx;

/**
 * The one rule for every URL the hub fetches on a tenant's behalf: http or https only, no
 * credentials in the URL, the host resolved and every address it resolves to public unicast
 * (or allowed by the operator), https unless the operator allowed the host. The caller connects
 * to the address that was checked, so a second lookup cannot answer differently.
 */
@ApplicationScoped
public class OutboundPolicy {

    /** A URL that passed: connect to {@code address}, present {@code host}. */
    public record Target(URI uri, String host, int port, boolean https, InetAddress address) {

        public String pathAndQuery() {
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            return uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
        }
    }

    private final Vertx vertx;
    private final long lookupMs;
    private final Set<String> allowedHosts;
    private final List<AddressRanges.Cidr> allowedRanges;

    public OutboundPolicy(Vertx vertx, OutboundConfig config) {
        this.vertx = vertx;
        this.lookupMs = config.connectTimeout().toMillis();
        List<String> hosts = new ArrayList<>();
        List<AddressRanges.Cidr> ranges = new ArrayList<>();
        for (String entry : config.allow().orElse(List.of())) {
            String e = entry.trim();
            if (e.isEmpty()) {
                continue;
            }
            if (AddressRanges.literal(e.split("/", 2)[0]) != null) {
                ranges.add(AddressRanges.Cidr.parse(e));
            } else {
                hosts.add(e.toLowerCase(Locale.ROOT));
            }
        }
        this.allowedHosts = Set.copyOf(hosts);
        this.allowedRanges = List.copyOf(ranges);
    }

    /** Checks {@code url}, which the hub would fetch as {@code what} ("the token endpoint"). */
    public Uni<Target> check(String what, String url) {
        URI uri;
        try {
            uri = new URI(url);
        } catch (URISyntaxException | NullPointerException e) {
            return Uni.createFrom().failure(new OutboundRefusedException(what, String.valueOf(url), "it is not a valid URL"));
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !scheme.equals("http")) {
            return Uni.createFrom().failure(new OutboundRefusedException(what, url, "only https URLs are fetched"));
        }
        if (uri.getRawUserInfo() != null) {
            return Uni.createFrom().failure(new OutboundRefusedException(what, url, "URLs with credentials are not fetched"));
        }
        String host = uri.getHost();
        if (host == null || host.isEmpty()) {
            return Uni.createFrom().failure(new OutboundRefusedException(what, url, "it names no host"));
        }
        String bare = host.startsWith("[") ? host.substring(1, host.length() - 1) : host;
        boolean https = scheme.equals("https");
        int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
        boolean hostAllowed = allowedHosts.contains(bare.toLowerCase(Locale.ROOT).replaceAll("\\.$", ""));
        return resolve(bare).map(addresses -> {
            if (addresses.isEmpty()) {
                throw new OutboundRefusedException(what, url, "its host does not resolve");
            }
            boolean allAllowed = true;
            for (InetAddress address : addresses) {
                boolean rangeAllowed = allowedRanges.stream().anyMatch(r -> r.contains(address));
                String kind = AddressRanges.internalKind(address);
                if (kind != null && !hostAllowed && !rangeAllowed) {
                    throw new OutboundRefusedException(what, url, "its host resolves to " + kind);
                }
                allAllowed &= hostAllowed || rangeAllowed;
            }
            if (!https && !allAllowed) {
                throw new OutboundRefusedException(what, url, "only https URLs are fetched from hosts not allowed by the operator");
            }
            return new Target(uri, bare, port, https, addresses.get(0));
        });
    }

    /** The host's addresses: a literal as it is, a name looked up off the event loop. */
    private Uni<List<InetAddress>> resolve(String host) {
        byte[] literal = AddressRanges.literal(host);
        if (literal != null) {
            try {
                return Uni.createFrom().item(List.of(InetAddress.getByAddress(literal)));
            } catch (UnknownHostException e) {
                return Uni.createFrom().item(List.of());
            }
        }
        // the system resolver cannot be interrupted: a slow one is given up on (its worker finishes on its own)
        return Uni.createFrom().emitter(emitter -> {
            java.util.concurrent.atomic.AtomicBoolean done = new java.util.concurrent.atomic.AtomicBoolean();
            long timer = vertx.setTimer(lookupMs, id -> {
                if (done.compareAndSet(false, true)) {
                    emitter.fail(new OutboundHttp.Unreachable("looking up " + host + " took over " + lookupMs + " ms"));
                }
            });
            vertx.<List<InetAddress>>executeBlocking(() -> {
                try {
                    return List.of(InetAddress.getAllByName(host));
                } catch (UnknownHostException e) {
                    return List.of();
                }
            }, false).onComplete(result -> {
                if (done.compareAndSet(false, true)) {
                    vertx.cancelTimer(timer);
                    if (result.succeeded()) {
                        emitter.complete(result.result());
                    } else {
                        emitter.fail(new OutboundHttp.Unreachable("looking up " + host + ": " + result.cause()));
                    }
                }
            });
        });
    }
}
