package com.healthtourism.hub.vectors;

import java.util.ArrayList;
import java.util.concurrent.TimeUnit;

import io.qdrant.client.QdrantClient;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** Shown as {@code qdrant}: UP when every collection of the design exists. */
@Component("qdrantHealthIndicator")
public class QdrantHealthIndicator extends AbstractHealthIndicator {

    private static final long TIMEOUT_SECONDS = 2;

    private final QdrantClient qdrant;
    private final VectorCollections collections;

    public QdrantHealthIndicator(QdrantClient qdrant, VectorCollections collections) {
        super("Qdrant health check failed");
        this.qdrant = qdrant;
        this.collections = collections;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        var missing = new ArrayList<String>();
        var otherSize = new ArrayList<String>();
        for (var collection : collections.collections()) {
            if (!qdrant.collectionExistsAsync(collection.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                missing.add(collection.name());
            } else if (qdrant.getCollectionInfoAsync(collection.name()).get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
                    .getConfig().getParams().getVectorsConfig().getParams().getSize() != collections.vectorSize()) {
                otherSize.add(collection.name());
            }
        }
        builder.withDetail("collections", collections.collections().stream().map(VectorCollection::name).toList())
                .withDetail("vectorSize", collections.vectorSize());
        if (missing.isEmpty() && otherSize.isEmpty()) {
            builder.up();
        } else {
            // A collection of another vector size would fail every search with this model.
            builder.down().withDetail("missing", missing).withDetail("otherVectorSize", otherSize);
        }
    }
}
