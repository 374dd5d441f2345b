package com.healthtourism.hub.documents;

import jakarta.validation.constraints.NotBlank;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.validation.annotation.Validated;

/**
 * The S3-compatible document store (MinIO in production). Its credentials have no default: the bucket holds passports
 * and medical records, and a store that takes MinIO's well-known default login must not be one the hub starts with.
 */
@Validated
@ConfigurationProperties("hub.s3")
public record DocumentStoreProperties(String url, @NotBlank String accessKey, @NotBlank String secretKey, String bucket) {
}
