package com.healthtourism.hub.webhooks;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Function;

/**
 * Turns many concurrent calls into few round trips: callers hand in one item each; a caller that finds no round trip
 * under way makes one itself for everything waiting (up to {@code maxGroup}), its own item included, and gives each
 * caller its own result; callers that arrive meanwhile wait, and the next group is made by whoever finds the way
 * free next. A failure of the group call is every caller's failure. Under load a round trip serves many requests
 * (the intake's rate-limit counts in Redis); alone, a call is made on the caller's own thread, with no hand-over
 * to another. A caller that has its result makes at most one more group for others; if more wait after that, a
 * helper thread takes over, so no caller serves others for long.
 */
final class GroupedRoundTrips<I, O> implements AutoCloseable {

    private static final int GROUPS_AFTER_OWN = 1;

    private record Call<I, O>(I item, CompletableFuture<O> result) {
    }

    private final Function<List<I>, List<O>> roundTrip;
    private final int maxGroup;
    private final Duration wait;
    private final BlockingQueue<Call<I, O>> waiting;
    private final ReentrantLock serving = new ReentrantLock();
    private final Thread helper;
    private volatile boolean running = true;

    /**
     * @param roundTrip one call for a group of items, answering one result per item in their order
     * @param wait      the longest a caller waits for a round trip that another caller or the helper makes
     */
    GroupedRoundTrips(String name, Function<List<I>, List<O>> roundTrip, int maxGroup, Duration wait) {
        this.roundTrip = roundTrip;
        this.maxGroup = maxGroup;
        this.wait = wait;
        this.waiting = new ArrayBlockingQueue<>(maxGroup * 16);
        this.helper = new Thread(this::help, name);
        helper.setDaemon(true);
        helper.start();
    }

    /**
     * The item's result from the next group call. Throws what the group call threw, or {@link IllegalStateException}
     * when the item could not be queued (closed, or too many waiting) or no result came within the wait.
     */
    O call(I item) {
        var call = new Call<I, O>(item, new CompletableFuture<>());
        if (!running || !waiting.offer(call)) {
            throw new IllegalStateException("no room for another call");
        }
        serve(call);
        try {
            return call.result().get(wait.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException failure) {
                throw failure;
            }
            throw new IllegalStateException(e.getCause());
        } catch (TimeoutException e) {
            throw new IllegalStateException("no result within " + wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }

    /**
     * Makes round trips for what is waiting while the way is free. Whoever makes one looks again after letting go,
     * so a call queued meanwhile is never left without someone to make its round trip. {@code own} is null for the
     * helper, which serves until nothing waits.
     */
    private void serve(Call<I, O> own) {
        int groupsAfterOwn = 0;
        List<Call<I, O>> group = null;
        while (!waiting.isEmpty() && serving.tryLock()) {
            try {
                // made only by a caller that serves: a request that waits for another's round trip allocates nothing
                if (group == null) {
                    group = new ArrayList<>(Math.min(maxGroup, 64));
                }
                waiting.drainTo(group, maxGroup);
                if (!group.isEmpty()) {
                    complete(group);
                }
            } finally {
                group.clear();
                serving.unlock();
            }
            if (own != null && own.result().isDone() && groupsAfterOwn++ >= GROUPS_AFTER_OWN) {
                if (!waiting.isEmpty()) {
                    LockSupport.unpark(helper);
                }
                return;
            }
        }
    }

    private void help() {
        while (running) {
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(200));
            if (Thread.interrupted()) {
                break;
            }
            serve(null);
        }
        Call<I, O> left;
        while ((left = waiting.poll()) != null) {
            left.result().completeExceptionally(new IllegalStateException("closed"));
        }
    }

    private void complete(List<Call<I, O>> group) {
        try {
            var results = roundTrip.apply(group.stream().map(Call::item).toList());
            for (int i = 0; i < group.size(); i++) {
                group.get(i).result().complete(results.get(i));
            }
        } catch (RuntimeException failure) {
            group.forEach(call -> call.result().completeExceptionally(failure));
        }
    }

    @Override
    public void close() {
        running = false;
        helper.interrupt();
        try {
            helper.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
