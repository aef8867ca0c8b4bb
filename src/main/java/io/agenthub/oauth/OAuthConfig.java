package io.agenthub.oauth;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.oauth")
public interface OAuthConfig {

    /** Where authorization servers send the user back; registered with them as the redirect URI. */
    String redirectUri();

    /** Front-end page the callback redirects to with the outcome; JSON is answered when absent or asked for. */
    Optional<String> frontendRedirect();

    /** Lifetime of a pending authorization (state and PKCE verifier). */
    @WithDefault("PT10M")
    Duration stateTtl();

    /** A token expiring within this is refreshed before it is handed out. */
    @WithDefault("PT60S")
    Duration refreshSkew();

    /**
     * Agent Hub's public HTTPS base URL, as authorization servers reach it. When set, Agent Hub
     * serves its client metadata document under it and uses the document's URL as its client id
     * wherever an authorization server accepts client metadata documents.
     */
    Optional<String> publicUrl();

    /** Client name in the client metadata document and in dynamic client registration. */
    @WithDefault("Agent Hub")
    String clientName();

    /** A logo authorization servers may show on their consent screens. */
    Optional<String> logoUri();

    /** Hosts dynamic client registration may talk to; {@code *} allows any. */
    @WithDefault("*")
    List<String> registrationAllowedHosts();

    Encryption encryption();

    interface Encryption {

        /** Id of the key new ciphertexts are made with. */
        String primaryKeyId();

        /** All keys by id: the primary and the old ones still being rotated out. Secrets: set from the environment. */
        Map<String, String> keys();
    }

    Housekeeping housekeeping();

    interface Housekeeping {

        @WithDefault("5m")
        String every();

        /** Rows re-encrypted per rotation batch. */
        @WithDefault("500")
        int rotationBatch();
    }
}
