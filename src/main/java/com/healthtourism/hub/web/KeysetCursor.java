package com.healthtourism.hub.web;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.UUID;

import com.healthtourism.hub.problems.BadRequest;

/**
 * The position after a row in newest-first keyset pagination: its time (to the microsecond) and id, as an opaque
 * URL-safe token.
 */
public record KeysetCursor(OffsetDateTime time, UUID id) {

    private static final Instant EARLIEST = Instant.parse("0001-01-01T00:00:00Z");
    private static final Instant LATEST = Instant.parse("9999-12-31T23:59:59Z");

    public String encode() {
        var text = time.toInstant() + "," + id;
        return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
    }

    /** @throws BadRequest naming {@code field} when the token is not one this API returned */
    public static KeysetCursor decode(String cursor, String field) {
        try {
            var text = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.UTF_8);
            var comma = text.indexOf(',');
            var time = Instant.parse(text.substring(0, comma));
            // a time no row can have, and PostgreSQL cannot even compare (timestamps end in the year 294276)
            if (time.isBefore(EARLIEST) || time.isAfter(LATEST)) {
                throw new IllegalArgumentException("out of range");
            }
            return new KeysetCursor(time.atOffset(ZoneOffset.UTC), UUID.fromString(text.substring(comma + 1)));
        } catch (RuntimeException e) {
            throw new BadRequest(field, field + ": is not a cursor this API returned");
        }
    }
}
