package com.healthtourism.hub.tenancy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.web.client.TestRestTemplate;
import org.springframework.http.HttpEntity;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpMethod;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import com.healthtourism.hub.local.HubTest;

@HubTest
class TenantAdminApiTest {

    @Autowired
    TestRestTemplate http;

    private TestRestTemplate admin() {
        return http.withBasicAuth("test-admin", "test-admin-password");
    }

    private static String domain() {
        return "clinic-" + UUID.randomUUID() + ".example.com";
    }

    private ResponseEntity<Map> post(TestRestTemplate client, String path, String json) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return client.exchange(path, HttpMethod.POST, new HttpEntity<>(json, headers), Map.class);
    }

    private ResponseEntity<Map> patch(String path, String json) {
        var headers = new HttpHeaders();
        headers.setContentType(MediaType.APPLICATION_JSON);
        return admin().exchange(path, HttpMethod.PATCH, new HttpEntity<>(json, headers), Map.class);
    }

    private static void assertProblem(ResponseEntity<Map> response, HttpStatus status) {
        assertThat(response.getStatusCode()).isEqualTo(status);
        assertThat(response.getHeaders().getContentType()).isEqualTo(MediaType.APPLICATION_PROBLEM_JSON);
        assertThat(response.getBody()).containsEntry("status", status.value()).containsKey("title");
    }

    @Test
    void createReadUpdateAndDeactivateATenant() {
        var domain = domain();
        var created = post(admin(), "/admin/tenants",
                "{\"name\":\"Istanbul Smile\",\"domain\":\"" + domain + "\",\"settings\":{\"rateLimitPerMinute\":120}}");

        assertThat(created.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        var id = (String) created.getBody().get("id");
        assertThat(created.getHeaders().getLocation()).hasPath("/admin/tenants/" + id);
        assertThat(created.getBody()).containsEntry("name", "Istanbul Smile").containsEntry("domain", domain)
                .containsEntry("active", true).containsEntry("settings", Map.of("rateLimitPerMinute", 120));

        var read = admin().getForEntity("/admin/tenants/" + id, Map.class);
        assertThat(read.getBody()).containsEntry("id", id).containsEntry("name", "Istanbul Smile");

        var renamed = patch("/admin/tenants/" + id, "{\"name\":\"Istanbul Smile Clinic\"}");
        assertThat(renamed.getStatusCode()).isEqualTo(HttpStatus.OK);
        assertThat(renamed.getBody()).containsEntry("name", "Istanbul Smile Clinic").containsEntry("domain", domain);

        var deactivated = post(admin(), "/admin/tenants/" + id + "/deactivate", "");
        assertThat(deactivated.getBody()).containsEntry("active", false);
        assertThat(admin().getForEntity("/admin/tenants/" + id, Map.class).getBody()).containsEntry("active", false);
    }

    @Test
    void listPagesThroughAllTenantsByKeyset() {
        for (int i = 0; i < 3; i++) {
            post(admin(), "/admin/tenants", "{\"name\":\"T" + i + "\",\"domain\":\"" + domain() + "\"}");
        }
        var seen = new java.util.ArrayList<String>();
        String after = null;
        do {
            var page = admin().getForEntity("/admin/tenants?limit=2" + (after == null ? "" : "&after=" + after), Map.class);
            assertThat(page.getStatusCode()).isEqualTo(HttpStatus.OK);
            var items = (List<Map<String, Object>>) page.getBody().get("items");
            assertThat(items.size()).isLessThanOrEqualTo(2);
            items.forEach(item -> seen.add((String) item.get("id")));
            after = (String) page.getBody().get("next");
        } while (after != null);
        assertThat(seen).doesNotHaveDuplicates().hasSizeGreaterThanOrEqualTo(3).isSorted();
        for (var limit : List.of("0", "-1", "501")) {
            var refused = admin().getForEntity("/admin/tenants?limit=" + limit, Map.class);
            assertThat(refused.getStatusCode()).as(limit).isEqualTo(HttpStatus.BAD_REQUEST);
            assertThat(refused.getHeaders().getContentType().toString()).startsWith("application/problem+json");
            assertThat(refused.getBody()).containsEntry("field", "limit");
        }
    }

    @Test
    void badInputIsA400NamingTheField() {
        var blankName = post(admin(), "/admin/tenants", "{\"name\":\" \",\"domain\":\"" + domain() + "\"}");
        assertProblem(blankName, HttpStatus.BAD_REQUEST);
        assertThat(blankName.getBody()).containsEntry("field", "name");

        var badDomain = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"not a domain\"}");
        assertProblem(badDomain, HttpStatus.BAD_REQUEST);
        assertThat(badDomain.getBody()).containsEntry("field", "domain");

        var settingsNotAnObject = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"" + domain() + "\",\"settings\":[1]}");
        assertProblem(settingsNotAnObject, HttpStatus.BAD_REQUEST);
        assertThat(settingsNotAnObject.getBody()).containsEntry("field", "settings");

        var notJson = post(admin(), "/admin/tenants", "{\"name\":");
        assertProblem(notJson, HttpStatus.BAD_REQUEST);

        var badId = admin().getForEntity("/admin/tenants/not-a-uuid", Map.class);
        assertProblem(badId, HttpStatus.BAD_REQUEST);
        assertThat(badId.getBody()).containsEntry("field", "id");
    }

    @Test
    void aRateLimitTheHubCannotUseIsA400AndLeavesTheSettingsAsTheyWere() {
        for (var bad : List.of("100.0", "\"100\"", "0", "-5", "1e10", "3000000000", "null")) {
            var created = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"" + domain()
                    + "\",\"settings\":{\"webhookRateLimitPerMinute\":" + bad + "}}");
            assertProblem(created, HttpStatus.BAD_REQUEST);
            assertThat(created.getBody()).as(bad).containsEntry("field", "settings.webhookRateLimitPerMinute");
        }
        var throttleOff = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"" + domain()
                + "\",\"settings\":{\"doktor365RatePerSecond\":10000000000}}");
        assertProblem(throttleOff, HttpStatus.BAD_REQUEST);
        assertThat(throttleOff.getBody()).containsEntry("field", "settings.doktor365RatePerSecond");
        var tenant = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"" + domain()
                + "\",\"settings\":{\"webhookRateLimitPerMinute\":120,\"crm\":\"own\"}}");
        assertThat(tenant.getStatusCode()).isEqualTo(HttpStatus.CREATED);
        var id = tenant.getBody().get("id");

        var patched = patch("/admin/tenants/" + id, "{\"settings\":{\"webhookRateLimitPerMinute\":100.5}}");

        assertProblem(patched, HttpStatus.BAD_REQUEST);
        assertThat(admin().getForEntity("/admin/tenants/" + id, Map.class).getBody().get("settings"))
                .isEqualTo(Map.of("webhookRateLimitPerMinute", 120, "crm", "own"));
    }

    @Test
    void aValuePostgresCannotStoreIsA400NotA500() {
        var nulInName = post(admin(), "/admin/tenants", "{\"name\":\"a\\u0000b\",\"domain\":\"" + domain() + "\"}");
        assertProblem(nulInName, HttpStatus.BAD_REQUEST);

        var nulInSettings = post(admin(), "/admin/tenants", "{\"name\":\"X\",\"domain\":\"" + domain()
                + "\",\"settings\":{\"crm\":\"a\\u0000b\"}}");
        assertProblem(nulInSettings, HttpStatus.BAD_REQUEST);
    }

    @Test
    void duplicateDomainIsA409() {
        var domain = domain();
        assertThat(post(admin(), "/admin/tenants", "{\"name\":\"A\",\"domain\":\"" + domain + "\"}").getStatusCode())
                .isEqualTo(HttpStatus.CREATED);
        var again = post(admin(), "/admin/tenants", "{\"name\":\"B\",\"domain\":\"" + domain.toUpperCase() + "\"}");
        assertProblem(again, HttpStatus.CONFLICT);
        assertThat(again.getBody()).containsEntry("field", "domain");
    }

    @Test
    void unknownTenantIsA404() {
        assertProblem(admin().getForEntity("/admin/tenants/" + UUID.randomUUID(), Map.class), HttpStatus.NOT_FOUND);
        assertProblem(patch("/admin/tenants/" + UUID.randomUUID(), "{\"name\":\"x\"}"), HttpStatus.NOT_FOUND);
    }

    @Test
    void theAdminApiNeedsTheAdminRole() {
        assertProblem(http.getForEntity("/admin/tenants", Map.class), HttpStatus.UNAUTHORIZED);
        assertProblem(http.withBasicAuth("test-admin", "wrong").getForEntity("/admin/tenants", Map.class),
                HttpStatus.UNAUTHORIZED);
        assertProblem(http.withBasicAuth("test-ops", "test-ops-password").getForEntity("/admin/tenants", Map.class),
                HttpStatus.FORBIDDEN);
    }

    @Test
    void anUnknownPathIsAProblemToo() {
        assertProblem(admin().getForEntity("/admin/no-such-thing", Map.class), HttpStatus.NOT_FOUND);
    }
}
