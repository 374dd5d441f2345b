package com.healthtourism.hub.partners.doktor365;

import java.time.Duration;
import java.util.Optional;

/**
 * Doktor365 could not serve a call now (5xx, 408, 429, a token it could not issue): worth retrying, and counted by the
 * tenant's circuit breaker. A 429 or 503 may say when to come back (Retry-After).
 */
public class Doktor365Unavailable extends RuntimeException {

    private final int status;
    private final transient Duration retryAfter;

    public Doktor365Unavailable(int status, Duration retryAfter, String message) {
        super(message);
        this.status = status;
        this.retryAfter = retryAfter;
    }

    public int status() {
        return status;
    }

    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
