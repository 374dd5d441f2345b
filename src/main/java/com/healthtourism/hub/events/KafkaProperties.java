package com.healthtourism.hub.events;

import org.springframework.boot.context.properties.ConfigurationProperties;

@ConfigurationProperties("hub.kafka")
public record KafkaProperties(String bootstrapServers) {
}
