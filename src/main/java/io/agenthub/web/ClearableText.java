package io.agenthub.web;

import java.io.IOException;
import java.util.Optional;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;

/**
 * A text field of a PATCH body that can be left, set or cleared: absent is {@code null} (leave it),
 * JSON null is {@code Optional.empty()} (clear it), a string is that string. Jackson's own Optional
 * support reads absent and null alike, which would clear what a client did not mention.
 */
public class ClearableText extends StdDeserializer<Optional<String>> {

    public ClearableText() {
        super(Optional.class);
    }

    @Override
    public Optional<String> deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
        return Optional.of(ctxt.readValue(p, String.class));
    }

    @Override
    public Optional<String> getNullValue(DeserializationContext ctxt) {
        return Optional.empty();
    }

    @Override
    public Object getAbsentValue(DeserializationContext ctxt) {
        return null;
    }
}
