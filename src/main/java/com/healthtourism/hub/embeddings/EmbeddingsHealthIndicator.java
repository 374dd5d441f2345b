package com.healthtourism.hub.embeddings;

import java.util.concurrent.atomic.AtomicReference;

import dev.langchain4j.model.embedding.EmbeddingModel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/**
 * Shown as {@code embeddings}: a model that loads on first use is UP with {@code loaded: false} until then (the check
 * does not load it); once loaded, UP only if it produces vectors of its declared dimension.
 */
@Component("embeddingsHealthIndicator")
public class EmbeddingsHealthIndicator extends AbstractHealthIndicator {

    private final EmbeddingModel model;
    private final String modelName;
    private final AtomicReference<Integer> loadedDimension = new AtomicReference<>();

    public EmbeddingsHealthIndicator(EmbeddingModel model, @Value("${hub.embeddings.model}") String modelName) {
        super("embedding model check failed");
        this.model = model;
        this.modelName = modelName;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        if (model instanceof LazyEmbeddingModel lazy && !lazy.loaded()) {
            builder.up().withDetail("model", modelName).withDetail("dimension", model.dimension())
                    .withDetail("loaded", false);
            return;
        }
        var dimension = loadedDimension.updateAndGet(known ->
                known != null ? known : model.embed("health check").content().dimension());
        builder.withDetail("model", modelName).withDetail("dimension", dimension).withDetail("loaded", true);
        if (dimension == model.dimension()) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "the model answers vectors of another dimension");
        }
    }
}
