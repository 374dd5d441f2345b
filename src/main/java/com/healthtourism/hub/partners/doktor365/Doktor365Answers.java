package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.time.Duration;

import com.fasterxml.jackson.databind.ObjectMapper;

/** How the connector reads Doktor365's answers: which statuses are worth a retry, Retry-After, the error code. */
final class Doktor365Answers {

    private Doktor365Answers() {
    }

    /** 408, 429 and 5xx say "not now"; every other 4xx says "not like this". */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Retry-After in seconds (the contract's form); an HTTP date or garbage counts as absent. */
    static Duration retryAfter(String header) {
        if (header == null || header.isBlank()) {
            return null;
        }
        try {
            var seconds = Long.parseLong(header.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** The contract's error code ({"error": "..."}), never the message (it may echo what was sent). */
    static String errorCode(ObjectMapper json, String body) {
        if (body == null || body.isBlank()) {
            return null;
        }
        try {
            var code = json.readTree(body).path("error").textValue();
            return code != null && code.matches("[a-z_]{1,64}") ? code : null;
        } catch (IOException e) {
            return null;
        }
    }
}
