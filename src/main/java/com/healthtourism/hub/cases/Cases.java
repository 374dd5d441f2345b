package com.healthtourism.hub.cases;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Component;

import com.healthtourism.hub.patients.PersonalData;
import com.healthtourism.hub.web.KeysetCursor;

/** Reads of cases on a JdbcClient of an open tenant transaction: row-level security keeps them in its tenant. */
@Component
public class Cases {

    private static final String COLUMNS = "id, tenant_id, patient_id, status::text AS status, priority::text AS priority,"
            + " provider_id, version, created_at, updated_at";

    private final PersonalData columns;
    private final ObjectMapper json;

    public Cases(PersonalData columns, ObjectMapper json) {
        this.columns = columns;
        this.json = json;
    }

    /** A filter of {@code GET /api/cases}; null members do not filter. */
    public record Query(String status, String priority, KeysetCursor after, int limit) {
    }

    public Optional<CaseSummary> find(JdbcClient db, UUID caseId) {
        return db.sql("SELECT " + COLUMNS + " FROM cases WHERE id = ?").param(caseId).query(Cases::summary).optional();
    }

    /** Newest first; asks for {@code limit + 1} rows so the caller knows whether a next page exists. */
    public List<CaseSummary> page(JdbcClient db, Query query) {
        var where = new ArrayList<String>();
        var params = new ArrayList<Object>();
        if (query.status() != null) {
            where.add("status = CAST(? AS case_status)");
            params.add(query.status());
        }
        if (query.priority() != null) {
            where.add("priority = CAST(? AS case_priority)");
            params.add(query.priority());
        }
        if (query.after() != null) {
            where.add("(created_at, id) < (?, ?)");
            params.add(query.after().time());
            params.add(query.after().id());
        }
        params.add(query.limit() + 1);
        var sql = "SELECT " + COLUMNS + " FROM cases" + (where.isEmpty() ? "" : " WHERE " + String.join(" AND ", where))
                + " ORDER BY created_at DESC, id DESC LIMIT ?";
        return db.sql(sql).params(params).query(Cases::summary).list();
    }

    /** The case with its patient's data decrypted, for a key allowed to see it. */
    public Optional<CaseDetail> withPatientData(JdbcClient db, UUID caseId) {
        return db.sql("""
                        SELECT c.id, c.tenant_id, c.patient_id, c.status::text AS status, c.priority::text AS priority,
                               c.provider_id, c.version, c.created_at, c.updated_at, c.symptoms,
                               c.medical_history #>> '{}' AS medical_history, u.name, u.email, u.phone
                        FROM cases c JOIN users u ON u.tenant_id = c.tenant_id AND u.id = c.patient_id
                        WHERE c.id = ?""")
                .param(caseId).query((rs, row) -> detail(summary(rs, row), rs)).optional();
    }

    private CaseDetail detail(CaseSummary summary, ResultSet rs) throws SQLException {
        var tenant = summary.tenantId();
        var patient = summary.patientId();
        var history = columns.decrypt(tenant, "cases.medical_history", summary.id(), rs.getString("medical_history"));
        try {
            return new CaseDetail(summary,
                    new CaseDetail.Patient(columns.decrypt(tenant, "users.name", patient, rs.getString("name")),
                            columns.decrypt(tenant, "users.email", patient, rs.getString("email")),
                            columns.decrypt(tenant, "users.phone", patient, rs.getString("phone"))),
                    columns.decrypt(tenant, "cases.symptoms", summary.id(), rs.getString("symptoms")),
                    history == null ? null : json.readTree(history));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a case's medical history is not JSON after decryption");
        }
    }

    private static CaseSummary summary(ResultSet rs, int row) throws SQLException {
        return new CaseSummary(rs.getObject("id", UUID.class), rs.getObject("tenant_id", UUID.class),
                rs.getObject("patient_id", UUID.class), rs.getString("status"), rs.getString("priority"),
                rs.getObject("provider_id", UUID.class), rs.getLong("version"),
                rs.getObject("created_at", OffsetDateTime.class), rs.getObject("updated_at", OffsetDateTime.class));
    }
}
