package io.agenthub.openai;

import java.util.List;

import com.fasterxml.jackson.annotation.JsonProperty;

/** OpenAI's model list: the caller's usable models as {@code agent/model} ids. */
public record ModelList(String object, List<Entry> data) {

    public record Entry(String id, String object, long created, @JsonProperty("owned_by") String ownedBy) {
    }
}
