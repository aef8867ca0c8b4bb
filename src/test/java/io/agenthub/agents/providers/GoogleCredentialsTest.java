package io.agenthub.agents.providers;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.Optional;

import org.junit.jupiter.api.Test;


/** A broken service-account key stops the service at start-up with a message that never echoes the key. */
class GoogleCredentialsTest {

    static ProvidersConfig withKey(String key) {
        return new ProvidersConfig() {
            @Override
            public OpenRouter openrouter() {
                throw new UnsupportedOperationException();
            }

            @Override
            public Vertex vertex() {
                return new Vertex() {
                    public Optional<String> baseUrl() {
                        return Optional.empty();
                    }

                    public Optional<String> project() {
                        return Optional.of("p");
                    }

                    public Optional<String> accessToken() {
                        return Optional.empty();
                    }

                    public Optional<String> serviceAccountKey() {
                        return Optional.of(key);
                    }

                    public Optional<Path> serviceAccountKeyFile() {
                        return Optional.empty();
                    }

                    public String scope() {
                        return "https://www.googleapis.com/auth/cloud-platform";
                    }
                };
            }
        };
    }

    @Test
    void malformedKeysAreRefusedWithoutBeingEchoed() {
        String secret = "MIIEvQIBADANBgkqhkiG9w0BAQEFAASCBKcwggSjAgEAAoIBAQC-very-secret";
        assertThatThrownBy(() -> new GoogleCredentials(null, withKey("{\"type\":\"service_account\",\"client_email\":\"a@b\","
                + "\"private_key\":\"-----BEGIN PRIVATE KEY-----" + secret + "-----END PRIVATE KEY-----\"}")))
                .hasMessageContaining("service-account key is not usable").hasMessageContaining("PKCS#8")
                .hasMessageNotContaining(secret);
        assertThatThrownBy(() -> new GoogleCredentials(null, withKey("{\"type\":\"authorized_user\"}")))
                .hasMessageContaining("not service_account");
        assertThatThrownBy(() -> new GoogleCredentials(null, withKey("{\"type\":\"service_account\",\"private_key\":\"x\"}")))
                .hasMessageContaining("no client_email");
        assertThatThrownBy(() -> new GoogleCredentials(null, withKey(secret))).hasMessageContaining("not a JSON key file")
                .hasMessageNotContaining("MIIE");
    }
}
