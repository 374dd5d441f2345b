package com.healthtourism.hub.tenancy;

import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/** Evicting a cache entry for a change made in a transaction. */
public final class CacheEviction {

    private CacheEviction() {
    }

    /**
     * Runs {@code evict} now and again once the caller's transaction has completed, so that a read made on another
     * connection while the change was uncommitted (it still sees the old row) is not kept until the entry expires.
     */
    public static void nowAndAfterCompletion(Runnable evict) {
        evict.run();
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCompletion(int status) {
                    evict.run();
                }
            });
        }
    }
}
