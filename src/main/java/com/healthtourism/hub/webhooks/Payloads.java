package com.healthtourism.hub.webhooks;

import java.io.IOException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.camel.ExchangeProperty;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/**
 * Reads a verified body: JSON (application/json or +json), or the form encoding some partners post
 * (application/x-www-form-urlencoded), read into an object of its fields. Anything else is 415; a
 * body that does not parse, or is not an object, is 400.
 */
@Component("payloads")
public class Payloads {

    private final ObjectMapper json;

    public Payloads(ObjectMapper json) {
        this.json = json;
    }

    public void parse(@ExchangeProperty("delivery") Delivery delivery) {
        delivery.body(read(delivery.header("content-type"), delivery.rawBody()));
    }

    /**
     * The body as an object: a JSON object as it is, a form's fields as an object of strings. Throws
     * {@link WebhookRejected} (415 or 400) for anything else.
     */
    public JsonNode read(String contentType, byte[] body) {
        var mediaType = mediaType(contentType);
        if (mediaType.equals("application/json") || (mediaType.startsWith("application/") && mediaType.endsWith("+json"))) {
            return object(body);
        }
        if (isForm(contentType)) {
            return form(body);
        }
        throw new WebhookRejected(HttpStatus.UNSUPPORTED_MEDIA_TYPE,
                "the body must be application/json (or the partner's form encoding)");
    }

    /** Whether the body is in the form encoding (application/x-www-form-urlencoded). */
    public static boolean isForm(String contentType) {
        return mediaType(contentType).equals("application/x-www-form-urlencoded");
    }

    private static String mediaType(String contentType) {
        var type = contentType == null ? "" : contentType.toLowerCase(Locale.ROOT);
        var semicolon = type.indexOf(';');
        return (semicolon < 0 ? type : type.substring(0, semicolon)).strip();
    }

    private JsonNode object(byte[] body) {
        // JSON between systems is UTF-8 (RFC 8259); Jackson would also read UTF-16 and UTF-32, which the relay could
        // not map later: such a body would be accepted and then fail
        if (notUtf8(body)) {
            throw new WebhookRejected(HttpStatus.BAD_REQUEST, "the body must be JSON in UTF-8");
        }
        try {
            var node = json.readTree(body);
            if (node == null || !node.isObject()) {
                throw new WebhookRejected(HttpStatus.BAD_REQUEST, "the body must be a JSON object");
            }
            return node;
        } catch (IOException e) {
            throw new WebhookRejected(HttpStatus.BAD_REQUEST, "the body is not valid JSON");
        }
    }

    /** A UTF-16 or UTF-32 text: a byte order mark of either, or a zero byte among the first four (JSON starts in ASCII). */
    static boolean notUtf8(byte[] body) {
        if (body.length >= 2 && ((body[0] == (byte) 0xFE && body[1] == (byte) 0xFF) || (body[0] == (byte) 0xFF && body[1] == (byte) 0xFE))) {
            return true;
        }
        for (int i = 0; i < Math.min(4, body.length); i++) {
            if (body[i] == 0) {
                return true;
            }
        }
        return false;
    }

    JsonNode form(byte[] body) {
        var fields = json.createObjectNode();
        var text = new String(body, StandardCharsets.UTF_8);
        if (text.isBlank()) {
            throw new WebhookRejected(HttpStatus.BAD_REQUEST, "the form body is empty");
        }
        try {
            for (var pair : text.split("&")) {
                var eq = pair.indexOf('=');
                var name = URLDecoder.decode(eq < 0 ? pair : pair.substring(0, eq), StandardCharsets.UTF_8);
                var value = eq < 0 ? "" : URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8);
                fields.put(name, value);
            }
        } catch (IllegalArgumentException e) {
            throw new WebhookRejected(HttpStatus.BAD_REQUEST, "the form body is not valid");
        }
        return fields;
    }
}
