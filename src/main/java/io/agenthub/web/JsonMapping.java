package io.agenthub.web;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.databind.ObjectMapper;

import io.quarkus.arc.All;
import io.quarkus.jackson.ObjectMapperCustomizer;

/**
 * The service's one ObjectMapper, built like Quarkus's own (every customizer, so the
 * {@code quarkus.jackson.*} settings still apply) but on a parser that refuses NUL characters and
 * duplicate keys: a body saying {@code "content"} twice is ambiguous, not last-one-wins.
 */
public class JsonMapping {

    @Singleton
    @Produces
    ObjectMapper objectMapper(@All List<ObjectMapperCustomizer> customizers) {
        ObjectMapper mapper = new ObjectMapper(NulCharacters.jsonFactory());
        mapper.enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION.mappedFeature());
        List<ObjectMapperCustomizer> sorted = new ArrayList<>(customizers);
        Collections.sort(sorted);
        sorted.forEach(customizer -> customizer.customize(mapper));
        return mapper;
    }
}
