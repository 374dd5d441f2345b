package com.healthtourism.hub.cases;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.validation.Valid;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Size;
import org.springframework.http.HttpHeaders;
import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.audit.AuditEntry;
import com.healthtourism.hub.audit.AuditTrail;
import com.healthtourism.hub.problems.BadRequest;
import com.healthtourism.hub.problems.NotFound;
import com.healthtourism.hub.tenancy.ApiClient;
import com.healthtourism.hub.tenancy.TenantTransactions;
import com.healthtourism.hub.web.KeysetCursor;

/**
 * The tenant API's cases, for the platform's own services. The key decides the tenant: another tenant's case is
 * unknown (404), never forbidden. Patient data only reaches keys issued with {@code pii}.
 */
@RestController
@RequestMapping("/api/cases")
public class CasesController {

    private static final int DEFAULT_PAGE = 50;
    private static final List<String> PRIORITIES = List.of("low", "medium", "high", "urgent");

    private final TenantTransactions transactions;
    private final Cases cases;
    private final CaseMoves moves;
    private final CaseStateCache states;
    private final AuditTrail audit;
    private final CaseProperties properties;

    public CasesController(TenantTransactions transactions, Cases cases, CaseMoves moves, CaseStateCache states,
                           AuditTrail audit, CaseProperties properties) {
        this.transactions = transactions;
        this.cases = cases;
        this.moves = moves;
        this.states = states;
        this.audit = audit;
        this.properties = properties;
    }

    public record CasePage(List<CaseSummary> items, String next) {
    }

    public record Transition(@NotBlank String to, @Size(max = 1000) String reason, Long expectedVersion) {
    }

    public record Assignment(@NotNull UUID providerId, Long expectedVersion) {
    }

    @GetMapping
    public CasePage list(@AuthenticationPrincipal ApiClient client, @RequestParam(required = false) String status,
                         @RequestParam(required = false) String priority, @RequestParam(required = false) Integer limit,
                         @RequestParam(required = false) String after) {
        if (status != null) {
            status(status, "status");
        }
        if (priority != null && !PRIORITIES.contains(priority)) {
            throw new BadRequest("priority", "priority: must be one of " + PRIORITIES);
        }
        var size = limit == null ? DEFAULT_PAGE : limit;
        if (size < 1 || size > properties.maxPage()) {
            throw new BadRequest("limit", "limit: must be between 1 and " + properties.maxPage());
        }
        var cursor = after == null ? null : KeysetCursor.decode(after, "after");
        var rows = transactions.inTenant(client.tenantId(),
                db -> cases.page(db, new Cases.Query(status, priority, cursor, size)));
        var page = rows.subList(0, Math.min(size, rows.size()));
        var last = page.isEmpty() ? null : page.get(page.size() - 1);
        return new CasePage(page, rows.size() > size ? new KeysetCursor(last.createdAt(), last.id()).encode() : null);
    }

    @GetMapping("/{caseId}")
    public CaseDetail get(@AuthenticationPrincipal ApiClient client, @PathVariable UUID caseId,
                          HttpServletRequest request) {
        if (client.pii()) {
            return transactions.inTenant(client.tenantId(), db -> {
                var detail = cases.withPatientData(db, caseId).orElseThrow(() -> new NotFound("case", caseId));
                audit.record(db, new AuditEntry(client.tenantId(), client.actor(), "case.pii_read", "case", caseId,
                        request.getRemoteAddr(), request.getHeader(HttpHeaders.USER_AGENT), true, Map.of()));
                return detail;
            });
        }
        var state = states.get(client.tenantId(), caseId).orElseGet(() -> {
            var read = transactions.inTenant(client.tenantId(), db -> cases.find(db, caseId))
                    .orElseThrow(() -> new NotFound("case", caseId));
            states.put(read);
            return read;
        });
        return CaseDetail.withoutPii(state);
    }

    @PostMapping("/{caseId}/transitions")
    public CaseSummary transition(@AuthenticationPrincipal ApiClient client, @PathVariable UUID caseId,
                                  @Valid @RequestBody Transition transition, HttpServletRequest request) {
        var to = status(transition.to(), "to");
        return moves.move(actor(client, request), caseId, to, transition.reason(), transition.expectedVersion());
    }

    @PutMapping("/{caseId}/provider")
    public CaseSummary assign(@AuthenticationPrincipal ApiClient client, @PathVariable UUID caseId,
                              @Valid @RequestBody Assignment assignment, HttpServletRequest request) {
        return moves.assign(actor(client, request), caseId, assignment.providerId(), assignment.expectedVersion());
    }

    private static CaseMoves.Actor actor(ApiClient client, HttpServletRequest request) {
        return new CaseMoves.Actor(client.tenantId(), client.actor(), request.getRemoteAddr(),
                request.getHeader(HttpHeaders.USER_AGENT));
    }

    private static CaseStatus status(String value, String field) {
        return CaseStatus.parse(value).orElseThrow(() -> new BadRequest(field, field + ": must be one of "
                + Arrays.stream(CaseStatus.values()).map(CaseStatus::wire).toList()));
    }
}
