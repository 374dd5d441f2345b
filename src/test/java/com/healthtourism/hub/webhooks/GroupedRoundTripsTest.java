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
import java.util.concurrent.Semaphore;
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
    void aCallerWaitsNoLongerThanItsWaitForARoundTripAnotherMakes() throws Exception {
        var entered = new CountDownLatch(1);
        var release = new CountDownLatch(1);
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            entered.countDown();
            await(release);
            return items.stream().map(i -> "late" + i).toList();
        }, 8, Duration.ofMillis(200))) {
            var pool = Executors.newSingleThreadExecutor();
            try {
                // the first caller makes the round trip itself, and it hangs
                var first = pool.submit(() -> trips.call(1));
                assertThat(entered.await(5, TimeUnit.SECONDS)).isTrue();

                assertThatThrownBy(() -> trips.call(2)).isInstanceOf(IllegalStateException.class).hasMessageContaining("PT0.2S");
                release.countDown();
                assertThat(first.get(5, TimeUnit.SECONDS)).isEqualTo("late1");
            } finally {
                pool.shutdownNow();
            }
        }
    }

    @Test
    void aLoneCallIsMadeOnTheCallersOwnThread() {
        var threads = new CopyOnWriteArrayList<Thread>();
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            threads.add(Thread.currentThread());
            return items.stream().map(i -> "r" + i).toList();
        }, 8, Duration.ofSeconds(5))) {
            assertThat(trips.call(1)).isEqualTo("r1");
            assertThat(trips.call(2)).isEqualTo("r2");
        }
        // no hand-over to another thread and back: the caller itself made both round trips
        assertThat(threads).containsExactly(Thread.currentThread(), Thread.currentThread());
    }

    @Test
    void aCallerMakesAtMostOneRoundTripForOthersAfterItsOwnAndTheHelperTakesTheRest() throws Exception {
        var threads = new CopyOnWriteArrayList<String>();
        var entered = new Semaphore(0);
        var release = new Semaphore(0);
        try (var trips = new GroupedRoundTrips<Integer, String>("test-trips", items -> {
            threads.add(Thread.currentThread().getName());
            entered.release();
            acquire(release);
            return items.stream().map(i -> "r" + i).toList();
        }, 64, Duration.ofSeconds(5))) {
            var pool = Executors.newFixedThreadPool(3);
            try {
                var a = pool.submit(() -> trips.call(1));
                assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
                // b arrives while a's round trip is under way: it waits, and a makes the next round trip for it
                var b = pool.submit(() -> trips.call(2));
                Thread.sleep(200);
                release.release();
                assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
                // c arrives during the round trip a makes for b: a has done its share, the helper makes c's
                var c = pool.submit(() -> trips.call(3));
                Thread.sleep(200);
                release.release();
                assertThat(a.get(5, TimeUnit.SECONDS)).isEqualTo("r1");
                assertThat(b.get(5, TimeUnit.SECONDS)).isEqualTo("r2");
                assertThat(entered.tryAcquire(5, TimeUnit.SECONDS)).isTrue();
                release.release();
                assertThat(c.get(5, TimeUnit.SECONDS)).isEqualTo("r3");

                assertThat(threads).hasSize(3);
                assertThat(threads.get(1)).isEqualTo(threads.get(0)).isNotEqualTo("test-trips");
                assertThat(threads.get(2)).isEqualTo("test-trips");
            } finally {
                release.release(10);
                pool.shutdownNow();
            }
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

    private static void acquire(Semaphore semaphore) {
        try {
            semaphore.tryAcquire(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
