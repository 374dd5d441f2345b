package com.healthtourism.hub.partners.doktor365;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The Doktor365 connector (hub.doktor365.*). A tenant overrides the base URL with its credentials (sources API) and
 * the rate with its settings ({@code doktor365RatePerSecond}).
 *
 * @param baseUrl          where Doktor365 answers, unless the tenant's credentials name another
 * @param ratePerSecond    calls per second per tenant when its settings say nothing
 * @param tokenTtl         how long an access token is reused (Redis d365:token:{tenant}); at most 11/12 of expires_in
 * @param tokenWait        how long a call waits for another caller's token refresh before it fails (and is retried)
 * @param tokenLockTtl     how long a refresh holds the per-tenant lock at most, should its holder die
 * @param connectTimeout   connecting to the token endpoint (API calls: camel.component.http.connect-timeout)
 * @param callTimeoutMillis one API call, from sending it to its whole answer (the circuit breaker's time limit)
 * @param retries          redeliveries of a failed call before it fails for good (the approval queue for writes)
 * @param retryDelayMillis first redelivery delay; doubles per attempt, with jitter, up to maxRetryDelayMillis
 * @param maxRetryDelayMillis longest redelivery delay the backoff reaches
 * @param maxRetryAfter    longest Retry-After the connector waits out; a longer one is waited this long
 * @param breaker          the per-tenant circuit breaker
 */
@ConfigurationProperties("hub.doktor365")
public record Doktor365Properties(
        @DefaultValue("http://127.0.0.1:8089") String baseUrl,
        @DefaultValue("5") int ratePerSecond,
        @DefaultValue("55m") Duration tokenTtl,
        @DefaultValue("10s") Duration tokenWait,
        @DefaultValue("30s") Duration tokenLockTtl,
        @DefaultValue("5s") Duration connectTimeout,
        @DefaultValue("10000") long callTimeoutMillis,
        @DefaultValue("4") int retries,
        @DefaultValue("500") long retryDelayMillis,
        @DefaultValue("30000") long maxRetryDelayMillis,
        @DefaultValue("120s") Duration maxRetryAfter,
        @DefaultValue Breaker breaker) {

    /**
     * Resilience4j settings of each tenant's breaker: it opens when failureRate percent of the last window calls
     * (at least minimumCalls) failed, stays open for openSeconds, then lets halfOpenCalls through to decide.
     */
    public record Breaker(
            @DefaultValue("50") int failureRate,
            @DefaultValue("20") int window,
            @DefaultValue("10") int minimumCalls,
            @DefaultValue("30") int openSeconds,
            @DefaultValue("3") int halfOpenCalls) {
    }
}
