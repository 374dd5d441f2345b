package com.healthtourism.hub.patients;

import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;

import com.fasterxml.jackson.databind.JsonNode;

/** Reading a partner's JSON record: text fields that may be absent, null or blank, and its own change time. */
final class PartnerFields {

    private PartnerFields() {
    }

    /** The field as text, or null when it is absent, null or blank. */
    static String text(JsonNode record, String field) {
        JsonNode value = record.path(field);
        if (value.isMissingNode() || value.isNull() || value.isContainerNode()) {
            return null;
        }
        String text = value.asText().trim();
        return text.isEmpty() ? null : text;
    }

    /** The first of {@code fields} that is present; it must be, as the record's id. */
    static String requiredId(JsonNode record, String what, String... fields) {
        for (String field : fields) {
            String id = text(record, field);
            if (id != null) {
                return id;
            }
        }
        throw new UnusablePartnerRecord("the " + what + " has no " + String.join(" or ", fields));
    }

    /** How far ahead of the hub's clock a partner's change time may be (clocks differ a little, not by hours). */
    static final Duration CLOCK_SKEW = Duration.ofMinutes(10);

    /**
     * The partner's change time ({@code updated_at}), when it sends one. One in the future is refused: stored, it would
     * keep every real change of the record until then from applying (a change older than the one applied undoes
     * nothing).
     */
    static OffsetDateTime updatedAt(JsonNode record, String what) {
        String value = text(record, "updated_at");
        if (value == null) {
            return null;
        }
        OffsetDateTime updatedAt;
        try {
            updatedAt = OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new UnusablePartnerRecord("the " + what + "'s updated_at is not an ISO-8601 date-time");
        }
        notAhead(updatedAt, what);
        return updatedAt;
    }

    /** Refuses a change time more than {@link #CLOCK_SKEW} ahead of the hub's clock. */
    static void notAhead(OffsetDateTime updatedAt, String what) {
        if (updatedAt.isAfter(OffsetDateTime.now().plus(CLOCK_SKEW))) {
            throw new UnusablePartnerRecord("the " + what + "'s updated_at is in the future");
        }
    }

    /** The values in one unambiguous string (an absent value differs from every text), for a keyed content hash. */
    static String content(String... values) {
        var joined = new StringBuilder("v1");
        for (String value : values) {
            joined.append('\u0000').append(value == null ? "\u0001" : "=" + value);
        }
        return joined.toString();
    }
}
