package com.healthtourism.hub.embeddings;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.langchain4j.data.embedding.Embedding;
import dev.langchain4j.data.segment.TextSegment;
import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.output.Response;
import org.junit.jupiter.api.Test;
import org.springframework.boot.actuate.health.Status;

/** The model loads on its first embedding, once, and not for its dimension or a health check. */
class LazyEmbeddingModelTest {

    private final AtomicInteger loads = new AtomicInteger();
    private final LazyEmbeddingModel model = new LazyEmbeddingModel("three", 3, () -> {
        loads.incrementAndGet();
        return new ThreeDimensions();
    });

    @Test
    void itsDimensionAndHealthDoNotLoadIt() {
        var health = new EmbeddingsHealthIndicator(model, "three").health();

        assertThat(model.dimension()).isEqualTo(3);
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("loaded", false).containsEntry("dimension", 3);
        assertThat(loads).hasValue(0);
    }

    @Test
    void theFirstEmbeddingLoadsItOnceAndHealthThenChecksIt() {
        assertThat(model.embed("one").content().dimension()).isEqualTo(3);
        assertThat(model.embed("two").content().dimension()).isEqualTo(3);
        var health = new EmbeddingsHealthIndicator(model, "three").health();

        assertThat(loads).hasValue(1);
        assertThat(model.loaded()).isTrue();
        assertThat(health.getStatus()).isEqualTo(Status.UP);
        assertThat(health.getDetails()).containsEntry("loaded", true).containsEntry("dimension", 3);
    }

    @Test
    void aLoadedModelOfAnotherDimensionIsDown() {
        var wrong = new LazyEmbeddingModel("four", 4, ThreeDimensions::new);
        wrong.embed("load it");

        assertThat(new EmbeddingsHealthIndicator(wrong, "four").health().getStatus()).isEqualTo(Status.DOWN);
    }

    private static final class ThreeDimensions implements EmbeddingModel {
        @Override
        public Response<List<Embedding>> embedAll(List<TextSegment> segments) {
            return Response.from(segments.stream().map(s -> Embedding.from(new float[] {1, 0, 0})).toList());
        }
    }
}
