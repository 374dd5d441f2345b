package com.healthtourism.hub.outbox;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;

/** When the relay leaves its backlog to its next poll: while the intake is at full load, and for a bounded time. */
class YieldToIntakeTest {

    private static final Duration MAX = Duration.ofSeconds(20);

    private final AtomicLong now = new AtomicLong(1_000);
    private final Counter yields = new SimpleMeterRegistry().counter("hub.outbox.yields");
    private final YieldToIntake relay = new YieldToIntake(MAX, now::get, yields);

    @Test
    void aFullClaimIsFollowedAtOnceWhileTheIntakeIsNotAtFullLoad() {
        assertThat(relay.claimAgain(true, false)).isTrue();
        assertThat(relay.claimAgain(false, false)).as("caught up: the timer's next poll").isFalse();
        assertThat(yields.count()).isZero();
    }

    @Test
    void whileTheIntakeIsAtFullLoadTheBacklogWaitsForTheNextPoll() {
        assertThat(relay.claimAgain(true, true)).isFalse();
        advance(MAX.minusMillis(1));
        assertThat(relay.claimAgain(true, true)).isFalse();
        assertThat(yields.count()).isEqualTo(2);
    }

    @Test
    void afterHoldingBackForTheMaximumItCatchesUpWhateverTheLoad() {
        assertThat(relay.claimAgain(true, true)).isFalse();
        advance(MAX);
        assertThat(relay.claimAgain(true, true)).as("held back long enough").isTrue();
        advance(MAX);
        assertThat(relay.claimAgain(true, true)).as("until caught up, not for another max").isTrue();
        assertThat(relay.claimAgain(true, false)).isTrue();
        assertThat(relay.claimAgain(true, true)).as("a pause in the load does not renew the time").isTrue();
        assertThat(yields.count()).isEqualTo(1);
    }

    @Test
    void onceCaughtUpTheNextBurstMayBeHeldBackAgain() {
        assertThat(relay.claimAgain(true, true)).isFalse();
        advance(MAX);
        assertThat(relay.claimAgain(true, true)).isTrue();
        assertThat(relay.claimAgain(false, true)).as("caught up").isFalse();

        advance(Duration.ofSeconds(1));
        assertThat(relay.claimAgain(true, true)).isFalse();
        advance(MAX.minusMillis(1));
        assertThat(relay.claimAgain(true, true)).isFalse();
        advance(Duration.ofMillis(1));
        assertThat(relay.claimAgain(true, true)).isTrue();
    }

    @Test
    void aMaximumOfZeroNeverHoldsBack() {
        var never = new YieldToIntake(Duration.ZERO, now::get, yields);
        assertThat(never.claimAgain(true, true)).isTrue();
        assertThat(yields.count()).isZero();
        assertThatThrownBy(() -> new YieldToIntake(Duration.ofSeconds(-1), now::get, yields))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("yield-max");
    }

    private void advance(Duration duration) {
        now.addAndGet(duration.toNanos());
    }
}
