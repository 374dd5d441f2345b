package com.healthtourism.hub.vectors;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

import dev.langchain4j.model.embedding.EmbeddingModel;
import io.qdrant.client.QdrantClient;
import io.qdrant.client.grpc.Collections.Distance;
import io.qdrant.client.grpc.Collections.VectorParams;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/**
 * Creates the design's collections if absent, sized for the configured embedding model, with a
 * payload index on every indexed field. Runs in the background at start-up and retries with
 * backoff while Qdrant is away, so the hub starts without it.
 */
@Component
public class VectorCollections {

    private static final Logger log = LoggerFactory.getLogger(VectorCollections.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(1);

    private final QdrantClient qdrant;
    private final EmbeddingModel model;
    private final List<VectorCollection> collections;

    public VectorCollections(QdrantClient qdrant, EmbeddingModel model) {
        this.qdrant = qdrant;
        this.model = model;
        this.collections = VectorCollection.DESIGN;
    }

    public List<VectorCollection> collections() {
        return collections;
    }

    public int vectorSize() {
        return model.dimension();
    }

    @EventListener(ApplicationReadyEvent.class)
    public void ensureInBackground() {
        CompletableFuture.runAsync(() -> {
            var backoff = Duration.ofSeconds(1);
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    ensure();
                    return;
                } catch (Exception e) {
                    log.warn("Qdrant collections not ready ({}); retrying in {}", e.getClass().getSimpleName(), backoff);
                    sleep(backoff);
                    backoff = backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : backoff.multipliedBy(2);
                }
            }
        });
    }

    /** Idempotent: creates what is missing and leaves the rest. */
    public void ensure() throws Exception {
        for (var collection : collections) {
            if (!qdrant.collectionExistsAsync(collection.name()).get(10, TimeUnit.SECONDS)) {
                qdrant.createCollectionAsync(collection.name(), VectorParams.newBuilder()
                        .setSize(vectorSize()).setDistance(Distance.Cosine).build()).get(10, TimeUnit.SECONDS);
                log.info("created Qdrant collection {} (vector size {})", collection.name(), vectorSize());
            } else {
                warnOnOtherSize(collection);
            }
            var schema = qdrant.getCollectionInfoAsync(collection.name()).get(10, TimeUnit.SECONDS).getPayloadSchemaMap();
            for (var field : collection.indexedFields().entrySet()) {
                if (!schema.containsKey(field.getKey())) {
                    qdrant.createPayloadIndexAsync(collection.name(), field.getKey(), field.getValue(),
                            null, true, null, null).get(10, TimeUnit.SECONDS);
                }
            }
        }
    }

    private void warnOnOtherSize(VectorCollection collection) throws Exception {
        var params = qdrant.getCollectionInfoAsync(collection.name()).get(10, TimeUnit.SECONDS)
                .getConfig().getParams().getVectorsConfig().getParams();
        if (params.getSize() != vectorSize()) {
            log.warn("Qdrant collection {} has vector size {} but the embedding model gives {}: left as it is",
                    collection.name(), params.getSize(), vectorSize());
        }
    }

    private static void sleep(Duration duration) {
        try {
            Thread.sleep(duration.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
