package com.healthtourism.hub.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.minio.BucketExistsArgs;
import io.minio.GetObjectArgs;
import io.minio.ListObjectsArgs;
import io.minio.MakeBucketArgs;
import io.minio.MinioClient;
import io.minio.PutObjectArgs;
import io.minio.errors.ErrorResponseException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LocalS3ServerTest {

    private static final String BUCKET = "health-tourism";

    @Test
    void servesBucketsAndObjectsToTheMinioClient() throws Exception {
        try (var s3 = new LocalS3Server().start()) {
            var minio = clientOf(s3);
            assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())).isFalse();
            minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
            assertThat(minio.bucketExists(BucketExistsArgs.builder().bucket(BUCKET).build())).isTrue();

            var report = randomBytes(200_000);
            put(minio, "tenants/t1/cases/42/report.pdf", report);
            put(minio, "tenants/t1/cases/43/report.pdf", randomBytes(10));
            put(minio, "tenants/t2/cases/7/report.pdf", randomBytes(10));

            assertThat(get(minio, "tenants/t1/cases/42/report.pdf")).isEqualTo(report);
            assertThat(list(minio, "tenants/t1/")).containsExactlyInAnyOrder(
                    "tenants/t1/cases/42/report.pdf", "tenants/t1/cases/43/report.pdf");
        }
    }

    @Test
    void rejectsRequestsSignedWithAnotherSecret() throws Exception {
        try (var s3 = new LocalS3Server().start()) {
            var impostor = MinioClient.builder()
                    .endpoint(s3.endpoint())
                    .credentials(s3.accessKey(), s3.secretKey() + "x")
                    .region("us-east-1")
                    .build();
            assertThatThrownBy(() -> impostor.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build()))
                    .isInstanceOfSatisfying(ErrorResponseException.class, rejected ->
                            assertThat(rejected.errorResponse().code()).isEqualTo("SignatureDoesNotMatch"));
        }
    }

    @Test
    void keepsObjectsInItsBaseDirAcrossRestarts(@TempDir Path baseDir) throws Exception {
        var content = randomBytes(1_000);
        try (var s3 = new LocalS3Server(baseDir, "hub-local", "local-secret").start()) {
            var minio = clientOf(s3);
            minio.makeBucket(MakeBucketArgs.builder().bucket(BUCKET).build());
            put(minio, "kept.bin", content);
        }
        try (var s3 = new LocalS3Server(baseDir, "hub-local", "local-secret").start()) {
            assertThat(get(clientOf(s3), "kept.bin")).isEqualTo(content);
        }
        assertThat(baseDir.resolve(BUCKET).resolve("kept.bin")).exists();
    }

    private static MinioClient clientOf(LocalS3Server s3) {
        return MinioClient.builder()
                .endpoint(s3.endpoint())
                .credentials(s3.accessKey(), s3.secretKey())
                .region("us-east-1")
                .build();
    }

    private static void put(MinioClient minio, String key, byte[] content) throws Exception {
        minio.putObject(PutObjectArgs.builder().bucket(BUCKET).object(key)
                .stream(new ByteArrayInputStream(content), content.length, -1)
                .contentType("application/octet-stream")
                .build());
    }

    private static byte[] get(MinioClient minio, String key) throws Exception {
        try (var in = minio.getObject(GetObjectArgs.builder().bucket(BUCKET).object(key).build())) {
            return in.readAllBytes();
        }
    }

    private static List<String> list(MinioClient minio, String prefix) throws Exception {
        var keys = new ArrayList<String>();
        for (var result : minio.listObjects(ListObjectsArgs.builder().bucket(BUCKET).prefix(prefix).recursive(true).build())) {
            keys.add(result.get().objectName());
        }
        return keys;
    }

    private static byte[] randomBytes(int size) {
        var bytes = new byte[size];
        new Random(size).nextBytes(bytes);
        return bytes;
    }
}
