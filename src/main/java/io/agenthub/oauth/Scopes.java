package io.agenthub.oauth;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.agenthub.web.ApiException;

/** OAuth scope strings (RFC 6749 section 3.3) and the insufficient_scope challenge that asks for more (RFC 6750 section 3). */
final class Scopes {

    private static final Pattern TOKEN = Pattern.compile("[\\x21\\x23-\\x5B\\x5D-\\x7E]+");
    private static final Pattern PARAMETER = Pattern.compile("([A-Za-z0-9_-]+)\\s*=\\s*(?:\"((?:[^\"\\\\]|\\\\.)*)\"|([^\\s,]+))");

    private Scopes() {
    }

    /** The scopes of a space separated string, in order, without repeats. */
    static Set<String> of(String scopes) {
        Set<String> set = new LinkedHashSet<>();
        if (scopes != null) {
            for (String scope : scopes.trim().split("\\s+")) {
                if (!scope.isEmpty()) {
                    set.add(scope);
                }
            }
        }
        return set;
    }

    /** The union, in the order given; null when there is nothing to ask for (the server's default then). */
    static String union(String... scopes) {
        Set<String> all = new LinkedHashSet<>();
        for (String s : scopes) {
            all.addAll(of(s));
        }
        return all.isEmpty() ? null : String.join(" ", all);
    }

    /** Scopes a client asked for, each a valid scope token, or a 400 naming the field. */
    static String requested(String scopes, String field) {
        for (String scope : of(scopes)) {
            if (!TOKEN.matcher(scope).matches()) {
                throw ApiException.invalidField(field, "'" + scope + "' is not a valid OAuth scope");
            }
        }
        return scopes;
    }

    /** The scope an insufficient_scope Bearer challenge asks for. */
    static String fromChallenge(String challenge) {
        String value = challenge.strip();
        if (!value.regionMatches(true, 0, "Bearer", 0, 6) || (value.length() > 6 && !Character.isWhitespace(value.charAt(6)))) {
            throw ApiException.invalidField("challenge", "must be a Bearer challenge (WWW-Authenticate: Bearer ...)");
        }
        String error = null;
        String scope = null;
        Matcher m = PARAMETER.matcher(value.substring(6));
        while (m.find()) {
            String v = m.group(2) != null ? m.group(2).replaceAll("\\\\(.)", "$1") : m.group(3);
            switch (m.group(1).toLowerCase()) {
                case "error" -> error = v;
                case "scope" -> scope = v;
                default -> {
                }
            }
        }
        if (!"insufficient_scope".equals(error)) {
            throw ApiException.invalidField("challenge", "is not an insufficient_scope challenge");
        }
        if (scope == null || scope.isBlank()) {
            throw ApiException.invalidField("challenge", "names no scope to ask for");
        }
        return requested(scope, "challenge");
    }

    static List<String> list(String scopes) {
        return List.copyOf(of(scopes));
    }
}
