package com.healthtourism.hub.embeddings;

import dev.langchain4j.model.embedding.EmbeddingModel;
import dev.langchain4j.model.embedding.onnx.allminilml6v2.AllMiniLmL6V2EmbeddingModel;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The embedding model: in-process, offline, loaded on first use. Camel's langchain4j-embeddings endpoints use this bean. */
@Configuration(proxyBeanMethods = false)
public class EmbeddingsConfiguration {

    public static final String ALL_MINILM_L6_V2 = "all-minilm-l6-v2";
    static final int ALL_MINILM_L6_V2_DIMENSION = 384;

    @Bean
    EmbeddingModel embeddingModel(@Value("${hub.embeddings.model}") String model) {
        if (!ALL_MINILM_L6_V2.equalsIgnoreCase(model)) {
            throw new IllegalStateException("unknown embedding model '" + model + "': the hub ships "
                    + ALL_MINILM_L6_V2 + " (set HUB_EMBEDDING_MODEL to it)");
        }
        return new LazyEmbeddingModel(ALL_MINILM_L6_V2, ALL_MINILM_L6_V2_DIMENSION, AllMiniLmL6V2EmbeddingModel::new);
    }
}
