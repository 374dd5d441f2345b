package com.healthtourism.hub.webhooks;

/**
 * Where a delivery stands against its limits in the current one-minute window.
 *
 * @param limit         the limit that binds (the smaller remaining one)
 * @param remaining     requests left in the window under that limit
 * @param resetSeconds  seconds until the window ends
 * @param exceeded      whether either limit is exceeded
 * @param counted       false when Redis could not be asked and the limits failed open
 */
public record RateLimitStatus(long limit, long remaining, long resetSeconds, boolean exceeded, boolean counted) {

    public static final RateLimitStatus UNKNOWN = new RateLimitStatus(0, 0, 0, false, false);
}
