package io.agenthub.outbound;

import java.util.List;
import java.util.Map;

import io.agenthub.web.ApiException;

/** The outbound policy will not reach this URL: a 422 naming the rule, never what the target would answer. */
public class OutboundRefusedException extends ApiException {

    public OutboundRefusedException(String what, String url, String rule) {
        super(422, "Unprocessable Content", "Agent Hub's outbound policy does not reach " + what + " " + describe(url) + ": " + rule
                + ". An operator can allow a host or range with agent-hub.outbound.allow.", List.of(), Map.of(),
                Map.of("code", "outbound_refused"));
    }

    private static String describe(String url) {
        String shown = url.length() > 200 ? url.substring(0, 200) + "..." : url;
        return "(" + shown + ")";
    }
}
