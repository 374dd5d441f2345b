package com.healthtourism.hub.embeddings;

import java.util.List;
import java.util.function.Supplier;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;

/**
 * An in-process model that loads on first use, not at start-up: the ONNX model and its runtime take a few hundred MB
 * (heap while loading, native memory after), which a hub that is only taking webhooks should not pay. Its dimension
 * is known without loading it, so collections can be created before the first embedding.
 */
public final class LazyEmbeddingModel implements EmbeddingModel {

    private final String name;
    private final int dimension;
    private final Supplier<EmbeddingModel> loader;
    private volatile EmbeddingModel model;

    public LazyEmbeddingModel(String name, int dimension, Supplier<EmbeddingModel> loader) {
        this.name = name;
        this.dimension = dimension;
        this.loader = loader;
    }

    @Override
    public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
        return model().embedAll(segments);
    }

    @Override
    public int dimension() {
        return dimension;
    }

    @Override
    public String modelName() {
        return name;
    }

    /** Whether the model has been loaded (by a first embedding). */
    public boolean loaded() {
        return model != null;
    }

    private EmbeddingModel model() {
        var loaded = model;
        if (loaded == null) {
            synchronized (this) {
                loaded = model;
                if (loaded == null) {
                    loaded = loader.get();
                    model = loaded;
                }
            }
        }
        return loaded;
    }
}
