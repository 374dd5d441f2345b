package com.healthtourism.hub.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.minio.ListObjectsArgs;
import io.minio.MinioClient;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;

import com.healthtourism.hub.local.HubTest;

/** The hub creates the bucket it owns with the design's layout, and a new tenant's prefixes. */
@HubTest
class StorageLayoutTest {

    @Autowired
    MinioClient minio;

    @Autowired
    TestRestTemplate http;

    @Test
    void theBucketHasTheSharedPrefixes() throws Exception {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() ->
                assertThat(keys("")).contains("documents/", "uploads/", "exports/"));
        assertThat(keys("uploads/")).contains("uploads/temp/");
    }

    @Test
    void aNewTenantGetsItsDocumentAndExportPrefixes() {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        var tenant = http.withBasicAuth("test-admin", "test-admin-password").postForObject("/admin/tenants",
                new HttpEntity<>("{\"name\":\"Docs\",\"domain\":\"docs-" + System.nanoTime() + ".example.com\"}", headers),
                Map.class);
        var id = (String) tenant.get("id");

        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            assertThat(keys("documents/" + id + "/")).containsExactlyInAnyOrder(
                    "documents/" + id + "/medical-records/", "documents/" + id + "/passports/",
                    "documents/" + id + "/visas/", "documents/" + id + "/invoices/");
            assertThat(keys("exports/")).contains("exports/" + id + "/");
        });
    }

    private List<String> keys(String prefix) throws Exception {
        var keys = new ArrayList<String>();
        for (var item : minio.listObjects(ListObjectsArgs.builder().bucket("health-tourism").prefix(prefix).build())) {
            keys.add(item.get().objectName());
        }
        return keys;
    }
}
