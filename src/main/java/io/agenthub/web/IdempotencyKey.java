package io.agenthub.web;

/** The {@code Idempotency-Key} header of the chat and completion APIs: optional, 1 to 255 characters. */
public final class IdempotencyKey {

    public static final String HEADER = "Idempotency-Key";

    private IdempotencyKey() {
    }

    /** The key as sent (null when none was), or a 400 naming the header. */
    public static String checked(String key) {
        if (key != null && (key.isBlank() || key.length() > 255)) {
            throw ApiException.invalidField(HEADER, "must be 1 to 255 characters");
        }
        return key;
    }
}
