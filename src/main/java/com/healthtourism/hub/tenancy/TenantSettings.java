package com.healthtourism.hub.tenancy;

import java.util.Map;

import com.healthtourism.hub.problems.BadRequest;

/**
 * The tenant settings the hub itself reads, checked when an admin writes them: a value the hub cannot use is the
 * admin's 400, not a failure of every later request that reads it. Other keys are the tenant's own and kept as sent.
 */
public final class TenantSettings {

    /** Webhook deliveries per minute per tenant, partner IP and source (the intake's rate:{tenant}:{ip}:{route}). */
    public static final String WEBHOOK_RATE_LIMIT = "webhookRateLimitPerMinute";

    private TenantSettings() {
    }

    /** Doktor365 API calls per second per tenant (the connector's throttle). */
    public static final String DOKTOR365_RATE = "doktor365RatePerSecond";

    /** Throws {@link BadRequest} naming the setting when one the hub reads has a value it cannot use. */
    public static void check(Map<String, Object> settings) {
        if (settings == null) {
            return;
        }
        positiveWholeNumber(settings, WEBHOOK_RATE_LIMIT);
        positiveWholeNumber(settings, DOKTOR365_RATE);
    }

    private static void positiveWholeNumber(Map<String, Object> settings, String name) {
        if (!settings.containsKey(name)) {
            return;
        }
        var limit = settings.get(name);
        // JSON whole numbers arrive as Integer or Long (larger ones as BigInteger, out of range anyway)
        long value = limit instanceof Integer || limit instanceof Long ? ((Number) limit).longValue() : 0;
        if (value < 1 || value > Integer.MAX_VALUE) {
            throw new BadRequest("settings." + name, name + " must be a whole number from 1 to " + Integer.MAX_VALUE);
        }
    }
}
