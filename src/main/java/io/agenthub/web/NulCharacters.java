package io.agenthub.web;

import java.io.DataInput;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.util.ArrayDeque;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonStreamContext;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.io.IOContext;
import com.fasterxml.jackson.core.util.JsonParserDelegate;

/**
 * PostgreSQL cannot store U+0000 in text or jsonb, so a NUL anywhere a client can put text is bad
 * input, refused before it reaches a query. This is the one rule; the HTTP layer applies it to the
 * path, query and headers ({@link HttpLayerProblems}) and every JSON parser of the service to
 * string values and field names, bodies and JSON headers alike ({@link #jsonFactory()}).
 */
public final class NulCharacters {

    public static final String MESSAGE = "must not contain NUL characters";

    private NulCharacters() {
    }

    public static boolean in(CharSequence text) {
        if (text == null) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == 0) {
                return true;
            }
        }
        return false;
    }

    /** A JSON factory whose parsers refuse NUL in string values and field names. */
    public static JsonFactory jsonFactory() {
        return new RefusingFactory();
    }

    /** Raised by a parser on a NUL; {@link #field()} is the client's dotted path to it. */
    public static final class Refused extends JsonParseException {

        private final String field;

        Refused(JsonParser parser, String field) {
            super(parser, "NUL character in " + field);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }

    private static final class RefusingFactory extends JsonFactory {

        RefusingFactory() {
        }

        RefusingFactory(RefusingFactory source) {
            super(source, null);
        }

        @Override
        public JsonFactory copy() {
            return new RefusingFactory(this);
        }

        @Override
        protected JsonParser _createParser(InputStream in, IOContext ctxt) throws IOException {
            return new RefusingParser(super._createParser(in, ctxt));
        }

        @Override
        protected JsonParser _createParser(Reader r, IOContext ctxt) throws IOException {
            return new RefusingParser(super._createParser(r, ctxt));
        }

        @Override
        protected JsonParser _createParser(char[] data, int offset, int len, IOContext ctxt, boolean recyclable)
                throws IOException {
            return new RefusingParser(super._createParser(data, offset, len, ctxt, recyclable));
        }

        @Override
        protected JsonParser _createParser(byte[] data, int offset, int len, IOContext ctxt) throws IOException {
            return new RefusingParser(super._createParser(data, offset, len, ctxt));
        }

        @Override
        protected JsonParser _createParser(DataInput input, IOContext ctxt) throws IOException {
            return new RefusingParser(super._createParser(input, ctxt));
        }
    }

    /** Every other {@code next...} method of a parser goes through these two. */
    private static final class RefusingParser extends JsonParserDelegate {

        RefusingParser(JsonParser parser) {
            super(parser);
        }

        @Override
        public JsonToken nextToken() throws IOException {
            return check(super.nextToken());
        }

        @Override
        public JsonToken nextValue() throws IOException {
            return check(super.nextValue());
        }

        private JsonToken check(JsonToken token) throws IOException {
            if (token == JsonToken.VALUE_STRING && in(getText())) {
                throw new Refused(this, path(getParsingContext()));
            }
            if (token == JsonToken.FIELD_NAME && in(currentName())) {
                // the name itself cannot be shown; the object holding it is the field
                throw new Refused(this, path(getParsingContext().getParent()));
            }
            return token;
        }

        private static String path(JsonStreamContext context) {
            ArrayDeque<String> steps = new ArrayDeque<>();
            for (JsonStreamContext c = context; c != null && !c.inRoot(); c = c.getParent()) {
                if (c.inArray()) {
                    steps.push("[" + c.getCurrentIndex() + "]");
                } else if (c.getCurrentName() != null && !in(c.getCurrentName())) {
                    steps.push(c.getCurrentName());
                }
            }
            StringBuilder path = new StringBuilder();
            for (String step : steps) {
                path.append(path.isEmpty() || step.startsWith("[") ? "" : ".").append(step);
            }
            return path.isEmpty() ? "body" : path.toString();
        }
    }
}
