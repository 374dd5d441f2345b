package com.healthtourism.hub.documents;

import io.minio.MinioClient;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
public class DocumentStoreConfiguration {

    private static final long CONNECT_TIMEOUT_MS = 2_000;
    private static final long TRANSFER_TIMEOUT_MS = 30_000;

    /** The one MinIO client: Camel's minio endpoints use it through {@code minioClient=#minioClient}. */
    @Bean
    MinioClient minioClient(DocumentStoreProperties properties) {
        var client = MinioClient.builder()
                .endpoint(properties.url())
                .credentials(properties.accessKey(), properties.secretKey())
                .build();
        // Fail fast when the store is away instead of the client's five-minute default.
        client.setTimeout(CONNECT_TIMEOUT_MS, TRANSFER_TIMEOUT_MS, TRANSFER_TIMEOUT_MS);
        return client;
    }
}
