package com.healthtourism.hub.partners.doktor365;

import java.io.IOException;
import java.time.Duration;
import java.time.Instant;

import com.fasterxml.jackson.databind.ObjectMapper;

import com.healthtourism.hub.partners.RetryAfter;

/** How the connector reads Doktor365's answers: which statuses are worth a retry, Retry-After, the error code. */
final class Doktor365Answers {

    private Doktor365Answers() {
    }

    /** 408, 429 and 5xx say "not now"; every other 4xx says "not like this". */
    static boolean retryable(int status) {
        return status == 408 || status == 429 || status >= 500;
    }

    /** Retry-After in seconds (the contract's form) or as an HTTP date ({@link RetryAfter}); garbage counts as absent. */
    static Duration retryAfter(String header) {
        return RetryAfter.parse(header, Instant.now());
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
