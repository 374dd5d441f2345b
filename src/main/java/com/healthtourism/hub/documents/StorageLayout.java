package com.healthtourism.hub.documents;

import java.util.List;
import java.util.UUID;

import org.springframework.stereotype.Component;

/**
 * The bucket layout of the design: shared prefixes, and per tenant its document categories and
 * export folder. Every object key of a tenant starts with a prefix that names the tenant.
 */
@Component("storageLayout")
public class StorageLayout {

    public static final List<String> DOCUMENT_CATEGORIES = List.of("medical-records", "passports", "visas", "invoices");

    /** Folder markers every bucket has. */
    public List<String> sharedPrefixes() {
        return List.of("documents/", "uploads/temp/", "exports/");
    }

    /** Folder markers of one tenant. */
    public List<String> tenantPrefixes(String tenantId) {
        var tenant = UUID.fromString(tenantId).toString();
        var prefixes = new java.util.ArrayList<String>();
        DOCUMENT_CATEGORIES.forEach(category -> prefixes.add("documents/" + tenant + "/" + category + "/"));
        prefixes.add("exports/" + tenant + "/");
        return List.copyOf(prefixes);
    }
}
