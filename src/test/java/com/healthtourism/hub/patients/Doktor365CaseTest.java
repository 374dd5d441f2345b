package com.healthtourism.hub.patients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.util.List;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import org.springframework.core.io.ClassPathResource;

class Doktor365CaseTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    private static JsonNode sample(String event) throws IOException {
        try (var in = new ClassPathResource("mappings/doktor365/" + event + ".input.json").getInputStream()) {
            return JSON.readTree(in).path("data");
        }
    }

    @ParameterizedTest
    @CsvSource({
            "case.created, intake",
            "case.updated, eligibility",
            "case.status_changed, travel",
            "case.assigned, itinerary",
            "case.completed, complete"})
    void doktor365sStageOfEachSampleMapsOntoTheHubsStatus(String event, String hubStatus) throws IOException {
        var record = Doktor365Case.from(sample(event));
        assertThat(record.status()).isEqualTo(hubStatus);
        assertThat(record.externalId()).isEqualTo("d365-case-88412");
        assertThat(record.patientExternalId()).isEqualTo("d365-pat-55120");
        assertThat(record.symptoms()).isEqualTo("Patient reports mild hypertension.");
        assertThat(record.treatment()).isEqualTo("FUE hair transplant, 3000 grafts");
    }

    @Test
    void completedStatusIsCompleteWhateverTheStageAndAnUnknownStageNamesNoStatus() {
        assertThat(Doktor365Case.hubStatus("travel", "completed")).isEqualTo("complete");
        assertThat(Doktor365Case.hubStatus("Documents", "open")).isEqualTo("docs");
        assertThat(Doktor365Case.hubStatus("something-new", "open")).isNull();
        assertThat(Doktor365Case.hubStatus(null, null)).isNull();
    }

    @Test
    void everyCaseStatusOfDoktor365sApiNamesAHubStatusButLost() {
        // the reconciliation passes the API's status (openapi.yaml CaseStatus) as both stage and status
        for (var status : List.of("intake", "eligibility", "travel", "docs", "approval", "itinerary", "complete")) {
            assertThat(Doktor365Case.hubStatus(status, status)).as(status).isEqualTo(status);
        }
        assertThat(Doktor365Case.hubStatus("lost", "lost")).as("no hub status: the case stays as it is").isNull();
    }

    @Test
    void priorityIsMappedOrLeftOut() throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) sample("case.created");
        assertThat(Doktor365Case.from(node).priority()).isNull();
        assertThat(Doktor365Case.from(node.put("priority", "normal")).priority()).isEqualTo("medium");
        assertThat(Doktor365Case.from(node.put("priority", "URGENT")).priority()).isEqualTo("urgent");
    }

    @Test
    void aRecordWithoutItsIdIsRefusedWithoutItsValues() throws IOException {
        var node = (com.fasterxml.jackson.databind.node.ObjectNode) sample("case.created");
        node.remove("case_id");
        assertThatThrownBy(() -> Doktor365Case.from(node)).isInstanceOf(UnusablePartnerRecord.class)
                .hasMessageContaining("case_id").hasMessageNotContaining("hypertension");
        var patient = (com.fasterxml.jackson.databind.node.ObjectNode) sample("case.created").path("patient");
        assertThatThrownBy(() -> Doktor365Patient.from(patient)).isInstanceOf(UnusablePartnerRecord.class)
                .hasMessageNotContaining("Ayse");
        assertThat(Doktor365Patient.from(patient.put("id", "d365-pat-1")).name()).isEqualTo("Ayse Yilmaz");
    }
}
