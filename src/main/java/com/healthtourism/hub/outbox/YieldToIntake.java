package com.healthtourism.hub.outbox;

import java.time.Duration;
import java.util.function.LongSupplier;

import io.micrometer.core.instrument.Counter;

/**
 * When the relay, after a full claim, leaves the rest of its backlog to its next poll instead of claiming again at
 * once: while the webhook intake is at full load. Partners wait for their answers and retry when they come late; an
 * event that is stored waits safely in the outbox. So in a burst the relay takes one batch per tenant per poll, and
 * the machine's cores go to the intake.
 *
 * <p>Bounded: once it has held back for {@code max} since it was last caught up (a claim that was not full), it
 * claims at once again until it is caught up, whatever the intake's load. So only a burst's first {@code max} is
 * taken at the intake's full rate; past it the relay takes its share of the machine again, as it would without this.
 * {@code max} of zero never holds back.
 */
final class YieldToIntake {

    private final long maxNanos;
    private final LongSupplier nanoClock;
    private final Counter yields;
    private boolean holdingBack;
    private long holdingBackSince;

    YieldToIntake(Duration max, LongSupplier nanoClock, Counter yields) {
        if (max.isNegative()) {
            throw new IllegalArgumentException("hub.outbox.yield-max must not be negative");
        }
        this.maxNanos = max.toNanos();
        this.nanoClock = nanoClock;
        this.yields = yields;
    }

    /** Whether to claim again at once after a claim that was {@code full}, the intake being {@code intakeAtFullLoad}. */
    synchronized boolean claimAgain(boolean full, boolean intakeAtFullLoad) {
        if (!full) {
            // caught up: the next burst may be held back for max again
            holdingBack = false;
            return false;
        }
        if (!intakeAtFullLoad || maxNanos == 0) {
            return true;
        }
        var now = nanoClock.getAsLong();
        if (!holdingBack) {
            holdingBack = true;
            holdingBackSince = now;
        }
        if (now - holdingBackSince >= maxNanos) {
            return true;
        }
        yields.increment();
        return false;
    }
}
