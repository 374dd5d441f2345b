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
import java.util.function.Function;

/**
 * Turns many concurrent calls into few round trips: callers hand in one item each and wait; one thread takes
 * everything waiting (up to {@code maxGroup}), makes a single call for the group, and gives each caller its own
 * result. A failure of the group call is every caller's failure. Under load a round trip serves many requests
 * (the intake's rate-limit counts in Redis); alone, a call costs one hop to the grouping thread.
 */
final class GroupedRoundTrips<I, O> implements AutoCloseable {

    private record Call<I, O>(I item, CompletableFuture<O> result) {
    }

    private final Function<List<I>, List<O>> roundTrip;
    private final int maxGroup;
    private final Duration wait;
    private final BlockingQueue<Call<I, O>> waiting;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param roundTrip one call for a group of items, answering one result per item in their order
     * @param wait      the longest a caller waits for its result
     */
    GroupedRoundTrips(String name, Function<List<I>, List<O>> roundTrip, int maxGroup, Duration wait) {
        this.roundTrip = roundTrip;
        this.maxGroup = maxGroup;
        this.wait = wait;
        this.waiting = new ArrayBlockingQueue<>(maxGroup * 16);
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
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

    private void run() {
        var group = new ArrayList<Call<I, O>>(maxGroup);
        while (running) {
            try {
                var first = waiting.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                group.add(first);
                waiting.drainTo(group, maxGroup - 1);
                complete(group);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            } finally {
                group.clear();
            }
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
        thread.interrupt();
        try {
            thread.join(TimeUnit.SECONDS.toMillis(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
