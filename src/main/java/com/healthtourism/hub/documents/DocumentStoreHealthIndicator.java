package com.healthtourism.hub.documents;

import io.minio.BucketExistsArgs;
import io.minio.MinioClient;
import org.springframework.boot.actuate.health.AbstractHealthIndicator;
import org.springframework.boot.actuate.health.Health;
import org.springframework.stereotype.Component;

/** Shown as {@code s3}: UP when the document bucket exists. */
@Component("s3HealthIndicator")
public class DocumentStoreHealthIndicator extends AbstractHealthIndicator {

    private final MinioClient minio;
    private final DocumentStoreProperties properties;

    public DocumentStoreHealthIndicator(MinioClient minio, DocumentStoreProperties properties) {
        super("S3 health check failed");
        this.minio = minio;
        this.properties = properties;
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) throws Exception {
        builder.withDetail("bucket", properties.bucket());
        if (minio.bucketExists(BucketExistsArgs.builder().bucket(properties.bucket()).build())) {
            builder.up();
        } else {
            builder.down().withDetail("reason", "bucket does not exist yet");
        }
    }
}
