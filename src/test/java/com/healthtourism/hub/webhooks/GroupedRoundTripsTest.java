package com.healthtourism.hub.webhooks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;

class GroupedRoundTripsTest {

    @Test
    void callersWaitingTogetherShareOneRoundTripAndEachGetsItsOwnResult() throws Exception {
        var groups = new CopyOnWriteArrayList<List<Integer>>();
        var firstCallHeld = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            groups.add(items);
            if (groups.size() == 1) {
                firstCallHeld.countDown();
                await(release);
            }
            return items.stream().map(i -> "r" + i).toList();
        }, 64, Duration.ofSeconds(5))) {
            var pool = Executors.newFixedThreadPool(21);
            try {
                var first = pool.submit(() -> trips.call(0));
                assertThat(firstCallHeld.await(5, TimeUnit.SECONDS)).isTrue();
                // twenty callers arrive while the first round trip is under way: they wait for the next one together
                var calls = new ArrayList<Callable<String>>();
                for (int i = 1; i <= 20; i++) {
                    int item = i;
                    calls.add(() -> trips.call(item));
                }
                var futures = calls.stream().map(pool::submit).toList();
                Thread.sleep(200);
                release.countDown();

                assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("r0");
                for (int i = 0; i < futures.size(); i++) {
                    assertThat(futures.get(i).get(5, TimeUnit.SECONDS)).isEqualTo("r" + (i + 1));
                }
                assertThat(groups).hasSize(2);
                assertThat(groups.get(1)).hasSize(20);
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aFailedRoundTripIsTheFailureOfEveryCallerInIt() {
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            throw new IllegalArgumentException("backend away");
        }, 8, Duration.ofSeconds(5))) {
            assertThatThrownBy(() -> trips.call(1)).isInstanceOf(IllegalArgumentException.class).hasMessage("backend away");
        }
    }

    @Test
    void aCallerWaitsNoLongerThanItsWait() {
        var release = new CountDownLatch(1);
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            await(release);
            return List.of("late");
        }, 8, Duration.ofMillis(200))) {
            assertThatThrownBy(() -> trips.call(1)).isInstanceOf(IllegalStateException.class).hasMessageContaining("PT0.2S");
            release.countDown();
        }
    }

    @Test
    void aCallAfterCloseFailsInsteadOfWaiting() {
        var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> List.of("never"), 8, Duration.ofSeconds(5));
        trips.close();

        // refused at once, not after the five-second wait
        assertThatThrownBy(() -> trips.call(1)).isInstanceOf(IllegalStateException.class)
                .hasMessage("no room for another call");
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
