package com.healthtourism.hub.vectors;

import java.time.Duration;

import io.qdrant.client.QdrantClient;
import io.qdrant.client.QdrantGrpcClient;
import org.apache.camel.component.qdrant.QdrantComponent;
import org.apache.camel.spi.ComponentCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The one Qdrant client: the hub's own code and Camel's qdrant endpoints ({@code client=#qdrantClient}) share it. */
@Configuration(proxyBeanMethods = false)
public class QdrantConfiguration {

    @Bean(destroyMethod = "close")
    QdrantClient qdrantClient(QdrantProperties properties) {
        var grpc = QdrantGrpcClient.newBuilder(properties.host(), properties.port(), properties.useTls())
                .withTimeout(Duration.ofSeconds(10));
        if (properties.apiKey() != null && !properties.apiKey().isBlank()) {
            grpc.withApiKey(properties.apiKey());
        }
        return new QdrantClient(grpc.build());
    }

    @Bean
    ComponentCustomizer qdrantComponentUsesTheHubClient(QdrantClient client) {
        return ComponentCustomizer.builder(QdrantComponent.class)
                .build(component -> component.getConfiguration().setClient(client));
    }
}
