package com.healthtourism.hub.cases;

import java.util.List;

import org.springframework.security.core.annotation.AuthenticationPrincipal;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import com.healthtourism.hub.tenancy.ApiClient;

/** The design's monitoring queries for the key's tenant: counts and averages only, never patient data. */
@RestController
@RequestMapping("/api/monitoring")
public class MonitoringController {

    private final CaseMonitoring monitoring;

    public MonitoringController(CaseMonitoring monitoring) {
        this.monitoring = monitoring;
    }

    @GetMapping("/cases-by-status")
    public CaseMonitoring.CasesByStatus casesByStatus(@AuthenticationPrincipal ApiClient client) {
        return monitoring.casesByStatus(client.tenantId());
    }

    @GetMapping("/provider-performance")
    public List<CaseMonitoring.ProviderPerformance> providerPerformance(@AuthenticationPrincipal ApiClient client) {
        return monitoring.providerPerformance(client.tenantId());
    }

    @GetMapping("/consent-compliance")
    public CaseMonitoring.ConsentCompliance consentCompliance(@AuthenticationPrincipal ApiClient client) {
        return monitoring.consentCompliance(client.tenantId());
    }
}
