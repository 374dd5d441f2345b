package com.healthtourism.hub.webhooks;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

import org.springframework.http.HttpStatus;

import com.healthtourism.hub.problems.ProblemException;

/**
 * A filter over a tenant's inbound messages; a null field does not filter. {@code from} is
 * inclusive and {@code to} exclusive, both on received_at.
 */
public record MessageQuery(String source, String type, String status, OffsetDateTime from, OffsetDateTime to) {

    public static final Set<String> STATUSES = Set.of("accepted", "published", "unmapped", "failed");

    /** Parses the filter as sent (query parameters or a JSON body); a bad value is a 400 naming its field. */
    public static MessageQuery parse(String source, String type, String status, String from, String to) {
        var query = new MessageQuery(blankToNull(source), blankToNull(type), status(status), time("from", from),
                time("to", to));
        if (query.from() != null && query.to() != null && !query.from().isBefore(query.to())) {
            throw new InvalidFilter("to", "must be after from");
        }
        return query;
    }

    public boolean isEmpty() {
        return source == null && type == null && status == null && from == null && to == null;
    }

    /** The filter as audit metadata: only the fields that were set. */
    public Map<String, Object> asMap() {
        var map = new LinkedHashMap<String, Object>();
        if (source != null) {
            map.put("source", source);
        }
        if (type != null) {
            map.put("type", type);
        }
        if (status != null) {
            map.put("status", status);
        }
        if (from != null) {
            map.put("from", from.toString());
        }
        if (to != null) {
            map.put("to", to.toString());
        }
        return map;
    }

    private static String status(String raw) {
        var status = blankToNull(raw);
        if (status == null) {
            return null;
        }
        var lower = status.toLowerCase(Locale.ROOT);
        if (!STATUSES.contains(lower)) {
            throw new InvalidFilter("status", "must be one of accepted, published, unmapped, failed");
        }
        return lower;
    }

    private static OffsetDateTime time(String field, String raw) {
        var value = blankToNull(raw);
        if (value == null) {
            return null;
        }
        try {
            return OffsetDateTime.parse(value);
        } catch (DateTimeParseException e) {
            throw new InvalidFilter(field, "must be an ISO-8601 timestamp with offset, such as 2025-01-31T12:00:00Z");
        }
    }

    private static String blankToNull(String value) {
        return value == null || value.isBlank() ? null : value.strip();
    }

    /** A filter, page size or cursor the API cannot use. */
    public static class InvalidFilter extends ProblemException {

        public InvalidFilter(String field, String detail) {
            super(HttpStatus.BAD_REQUEST, field, field + ": " + detail);
        }
    }
}
