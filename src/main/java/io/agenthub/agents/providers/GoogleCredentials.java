package io.agenthub.agents.providers;

import java.io.IOException;
import java.nio.file.Files;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import jakarta.enterprise.context.ApplicationScoped;

import org.jboss.logging.Logger;

import io.agenthub.security.Jws;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import io.vertx.core.json.JsonObject;
import io.vertx.mutiny.core.MultiMap;

/**
 * Access tokens for Vertex AI. With a service-account key, a signed JWT assertion is exchanged at
 * the key's token endpoint (RFC 7523, as Google's client libraries do) and the token is cached
 * until shortly before it expires; concurrent callers share one exchange. Without a key, the
 * access token from the environment is used as is. A malformed key stops the service at start-up.
 */
@ApplicationScoped
@Startup
public class GoogleCredentials {

    private static final Logger LOG = Logger.getLogger(GoogleCredentials.class);
    static final String JWT_BEARER = "urn:ietf:params:oauth:grant-type:jwt-bearer";
    /** Renew this long before expiry, so a token never runs out during a long streamed reply. */
    static final long RENEW_BEFORE_SECONDS = 300;

    record ServiceAccount(String clientEmail, String keyId, java.security.PrivateKey key, String tokenUri) {
    }

    record Token(String value, Instant expiresAt) {
    }

    private final ProviderHttp http;
    private final ProvidersConfig.Vertex config;
    private final ServiceAccount account;
    private final AtomicReference<Token> cached = new AtomicReference<>();
    private final AtomicReference<Uni<Token>> exchanging = new AtomicReference<>();

    public GoogleCredentials(ProviderHttp http, ProvidersConfig config) {
        this.http = http;
        this.config = config.vertex();
        this.account = serviceAccount(this.config);
        if (account != null) {
            LOG.infof("Vertex AI authenticates as service account %s", account.clientEmail());
        }
    }

    /** A bearer token for Vertex AI, or a provider error saying why there is none. */
    public Uni<String> accessToken() {
        if (account == null) {
            return config.accessToken().filter(t -> !t.isBlank()).map(t -> Uni.createFrom().item(t))
                    .orElseGet(() -> Uni.createFrom().failure(new ProviderException(502, "Bad Gateway",
                            VertexAiProvider.NAME + ": no credentials configured (VERTEX_SERVICE_ACCOUNT_KEY or VERTEX_ACCESS_TOKEN)",
                            "credentials_missing", false, null)));
        }
        Token token = cached.get();
        if (token != null && token.expiresAt().isAfter(Instant.now().plusSeconds(RENEW_BEFORE_SECONDS))) {
            return Uni.createFrom().item(token.value());
        }
        return exchanging.updateAndGet(current -> current != null ? current
                : exchange().invoke(cached::set).eventually(() -> exchanging.set(null)).memoize().indefinitely())
                .map(Token::value);
    }

    /** A token Vertex AI refused (revoked, or its key disabled) is not offered again. */
    void rejectedBy(Throwable failure) {
        if (failure instanceof ProviderException p && "unauthorized".equals(p.code())) {
            cached.set(null);
        }
    }

    private Uni<Token> exchange() {
        long now = Instant.now().getEpochSecond();
        String assertion = Jws.signRs256(account.key(), account.keyId(), Map.of("iss", account.clientEmail(),
                "scope", config.scope(), "aud", account.tokenUri(), "iat", now, "exp", now + 3600));
        MultiMap form = MultiMap.caseInsensitiveMultiMap().add("grant_type", JWT_BEARER).add("assertion", assertion);
        return http.post(account.tokenUri()).timeout(10_000).sendForm(form)
                .onFailure().transform(e -> ProviderException.unreachable(VertexAiProvider.NAME))
                .map(response -> {
                    JsonObject body;
                    try {
                        body = response.bodyAsJsonObject();
                    } catch (RuntimeException e) {
                        body = null;
                    }
                    if (response.statusCode() != 200 || body == null || body.getString("access_token") == null) {
                        String reason = body == null ? "HTTP " + response.statusCode()
                                : body.getString("error", "HTTP " + response.statusCode());
                        throw new ProviderException(502, "Bad Gateway", VertexAiProvider.NAME
                                + ": provider credentials rejected (service-account token exchange: " + reason + ")",
                                "unauthorized", response.statusCode() >= 500, null);
                    }
                    long expiresIn = body.getLong("expires_in", 3600L);
                    return new Token(body.getString("access_token"), Instant.now().plusSeconds(expiresIn));
                });
    }

    private static ServiceAccount serviceAccount(ProvidersConfig.Vertex config) {
        String json = config.serviceAccountKey().filter(k -> !k.isBlank()).orElse(null);
        if (json == null && config.serviceAccountKeyFile().isPresent()) {
            try {
                json = Files.readString(config.serviceAccountKeyFile().get());
            } catch (IOException e) {
                throw new IllegalStateException("Cannot read the Vertex AI service-account key file "
                        + config.serviceAccountKeyFile().get() + ": " + e.getMessage());
            }
        }
        if (json == null) {
            return null;
        }
        try {
            JsonObject key;
            try {
                key = new JsonObject(json);
            } catch (io.vertx.core.json.DecodeException e) {
                // the parser quotes what it read: say less
                throw new IllegalArgumentException("it is not a JSON key file");
            }
            if (!"service_account".equals(key.getString("type"))) {
                throw new IllegalArgumentException("its type is not service_account");
            }
            return new ServiceAccount(required(key, "client_email"), key.getString("private_key_id"),
                    Jws.rsaPrivateKey(required(key, "private_key")),
                    key.getString("token_uri", "https://oauth2.googleapis.com/token"));
        } catch (RuntimeException e) {
            // never echo the key itself
            throw new IllegalStateException("The Vertex AI service-account key is not usable: " + e.getMessage());
        }
    }

    private static String required(JsonObject key, String field) {
        String value = key.getString(field);
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException("it has no " + field);
        }
        return value;
    }
}
