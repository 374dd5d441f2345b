package com.healthtourism.hub.webhooks;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;

/**
 * The headers kept with a message: everything but credentials. Signatures, tokens, keys, cookies and
 * authorization are dropped; the partner's event id and idempotency key are kept.
 */
public final class StoredHeaders {

    private StoredHeaders() {
    }

    public static Map<String, String> withoutCredentials(Map<String, String> headers) {
        var kept = new TreeMap<String, String>();
        headers.forEach((name, value) -> {
            if (!isCredential(name.toLowerCase(Locale.ROOT))) {
                kept.put(name.toLowerCase(Locale.ROOT), value);
            }
        });
        return kept;
    }

    /** Whether a header (lower-case name) may carry a credential, so it is never stored. */
    public static boolean isCredential(String name) {
        if (name.equals("x-idempotency-key") || name.equals("idempotency-key")) {
            return false;
        }
        return name.contains("authorization") || name.contains("cookie") || name.contains("signature")
                || name.contains("secret") || name.contains("token") || name.contains("password")
                || name.contains("api-key") || name.contains("apikey") || name.endsWith("-key");
    }

    static String json(ObjectMapper json, Map<String, String> headers) {
        try {
            return json.writeValueAsString(withoutCredentials(headers));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot encode headers", e);
        }
    }
}
