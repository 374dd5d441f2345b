package com.healthtourism.hub.documents;

import org.springframework.boot.context.properties.ConfigurationProperties;

/** The S3-compatible document store (MinIO in production). */
@ConfigurationProperties("hub.s3")
public record DocumentStoreProperties(String url, String accessKey, String secretKey, String bucket) {
}
