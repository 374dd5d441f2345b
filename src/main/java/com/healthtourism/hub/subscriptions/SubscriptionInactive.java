package com.healthtourism.hub.subscriptions;

/**
 * A granted replay of a delivery whose subscription (or tenant) is no longer active: nothing is sent, and the item
 * goes back to the approval queue, pending, with this reason.
 */
public class SubscriptionInactive extends RuntimeException {

    public SubscriptionInactive(String subscription) {
        super("partner webhook subscription " + subscription + " is no longer active");
    }
}
