package com.healthtourism.hub.subscriptions;

import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;

import com.healthtourism.hub.events.EventFamily;

/**
 * Which hub events a subscription wants: exact types ({@code payment.succeeded}) or a family wildcard
 * ({@code case.*}); no patterns at all means every event.
 */
public final class EventPatterns {

    private static final Pattern EXACT = Pattern.compile("[a-z]+\\.[a-z_]+");
    private static final Pattern FAMILY = Pattern.compile("[a-z]+\\.\\*");
    private static final String WILDCARD = "*";

    private EventPatterns() {
    }

    /** Why {@code pattern} is not a valid entry, or empty when it is. */
    public static Optional<String> problem(String pattern) {
        if (pattern == null || !(EXACT.matcher(pattern).matches() || FAMILY.matcher(pattern).matches())) {
            return Optional.of("an event must be a type such as payment.succeeded or a family such as case.*");
        }
        if (EventFamily.of(pattern).isEmpty()) {
            return Optional.of("an event's family must be one of payment, case, doc, approval");
        }
        return Optional.empty();
    }

    /** Whether an event of {@code type} goes to a subscription with these patterns. */
    public static boolean matches(List<String> patterns, String type) {
        if (patterns.isEmpty()) {
            return true;
        }
        var dot = type.indexOf('.');
        var family = dot > 0 ? type.substring(0, dot + 1) + WILDCARD : null;
        return patterns.stream().anyMatch(pattern -> pattern.equals(type) || pattern.equals(family));
    }
}
