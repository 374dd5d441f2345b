package com.healthtourism.hub.vectors;

import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties("hub.qdrant")
public record QdrantProperties(String host, int port, String apiKey, boolean useTls) {
}
