package com.healthtourism.hub.subscriptions;

/**
 * An outbound webhook not attempted: the subscription's circuit breaker is open because its partner was found
 * unavailable. The delivery goes to the approval queue at once, without the retries that would wait on a partner
 * known to be down (and hold up the deliveries to other partners behind it).
 */
public class PartnerUnavailable extends RuntimeException {

    public PartnerUnavailable(String subscription) {
        super("partner unavailable: circuit breaker of subscription " + subscription + " is open");
    }
}
