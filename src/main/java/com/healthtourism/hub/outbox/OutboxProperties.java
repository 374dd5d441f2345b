package com.healthtourism.hub.outbox;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * The outbox relay's numbers ({@code hub.outbox.*}): a claim takes up to {@code batchSize} rows of each of up to
 * {@code maxTenants} tenants and holds them for {@code lease}; a failed publish holds a tenant's rows back for
 * {@code backoffInitial}, doubling per attempt up to {@code backoffMax}. Every {@code vacuum.period} the hub vacuums
 * the outbox past {@code vacuum.threshold} dead rows, or analyses it past that many changed ({@link OutboxVacuum}).
 * An event longer than {@code maxEventBytes} (UTF-8) is not sent: Kafka would refuse it for good, and retrying it
 * would hold back its tenant's later events for ever; it is parked like a failed mapping. While the webhook intake is
 * at full load the relay claims one batch per tenant per poll, for at most {@code yieldMax} after it was last caught
 * up ({@link YieldToIntake}).
 */
@ConfigurationProperties("hub.outbox")
public record OutboxProperties(int batchSize, int maxTenants, Duration lease, Duration backoffInitial, Duration backoffMax,
                               int maxEventBytes, Duration yieldMax, Vacuum vacuum) {

    /** When the hub vacuums or analyses the outbox itself. */
    public record Vacuum(Duration period, long threshold) {
    }

    /** The hold-back after a failed publish of a row claimed {@code attempts} times. */
    public Duration backoff(int attempts) {
        var doublings = Math.min(Math.max(attempts - 1, 0), 30);
        var delay = backoffInitial.multipliedBy(1L << doublings);
        return delay.compareTo(backoffMax) > 0 ? backoffMax : delay;
    }
}
