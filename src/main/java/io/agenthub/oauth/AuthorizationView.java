package io.agenthub.oauth;

import java.time.Instant;
import java.util.List;

/**
 * Where to send the user to authorize, until when the authorization can complete, the client
 * mechanism it uses and the scopes it asks for.
 */
public record AuthorizationView(String authorizationUrl, Instant expiresAt, String clientMechanism, List<String> requestedScopes) {
}
