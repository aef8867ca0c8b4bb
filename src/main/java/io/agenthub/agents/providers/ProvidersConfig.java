package io.agenthub.agents.providers;

import java.nio.file.Path;
import java.util.Optional;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

@ConfigMapping(prefix = "agent-hub.providers")
public interface ProvidersConfig {

    OpenRouter openrouter();

    Vertex vertex();

    interface OpenRouter {
        @WithDefault("https://openrouter.ai/api/v1")
        String baseUrl();

        /** Secret, from OPENROUTER_API_KEY. */
        Optional<String> apiKey();

        /** Sent as HTTP-Referer / X-Title so OpenRouter attributes the traffic. */
        @WithDefault("https://github.com/agent-hub")
        String referer();

        @WithDefault("Agent Hub")
        String title();
    }

    interface Vertex {
        /** Defaults to https://{location}-aiplatform.googleapis.com for the agent's location. */
        Optional<String> baseUrl();

        /** Google Cloud project; an agent's config may name its own. */
        Optional<String> project();

        /** Secret, from VERTEX_ACCESS_TOKEN (e.g. gcloud auth print-access-token); used when no service-account key is set. */
        Optional<String> accessToken();

        /** Secret: a Google service-account key, the JSON file's content (VERTEX_SERVICE_ACCOUNT_KEY). */
        Optional<String> serviceAccountKey();

        /** Or the path of that file (GOOGLE_APPLICATION_CREDENTIALS). */
        Optional<Path> serviceAccountKeyFile();

        /** OAuth scope requested for service-account tokens. */
        @WithDefault("https://www.googleapis.com/auth/cloud-platform")
        String scope();
    }
}
