package com.healthtourism.hub.signatures;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * What a signature is checked against: the headers (names lower-cased), the body exactly as received,
 * and the body parsed as JSON when the caller has already parsed it ({@code null} otherwise; schemes that
 * sign JSON fields parse {@code rawBody} themselves).
 */
public record SignedRequest(Map<String, String> headers, byte[] rawBody, JsonNode body) {

    public SignedRequest {
        headers = headers == null ? Map.of() : headers;
        rawBody = rawBody == null ? new byte[0] : rawBody;
    }

    /** Copies the headers with lower-cased names, for callers whose header map keeps the sender's case. */
    public static SignedRequest of(Map<String, ?> headers, byte[] rawBody) {
        var lowerCased = new HashMap<String, String>(headers.size() * 2);
        headers.forEach((name, value) -> {
            if (name != null && value != null) {
                lowerCased.put(name.toLowerCase(Locale.ROOT), value.toString());
            }
        });
        return new SignedRequest(lowerCased, rawBody, null);
    }

    /** The header's value, or {@code null}; {@code lowerCaseName} must already be lower case. */
    public String header(String lowerCaseName) {
        return headers.get(lowerCaseName);
    }
}
