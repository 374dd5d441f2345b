package com.healthtourism.hub.problems;

import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import java.sql.SQLException;

import org.junit.jupiter.api.Test;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * How storage failures that reach a controller are answered: the cases the hub's integration tests meet only by
 * chance (a pooled connection the database dropped), or only through one of many paths.
 */
class ProblemHandlerTest {

    @RestController
    static class Failing {

        @GetMapping("/rollback-failed")
        String rollbackFailed() {
            throw new TransactionSystemException("JDBC rollback failed");
        }

        @GetMapping("/constraint")
        String constraint() {
            throw new DataIntegrityViolationException("duplicate", new SQLException("duplicate key", "23505"));
        }

        @GetMapping("/nul")
        String nul() {
            throw new DataIntegrityViolationException("bad value",
                    new SQLException("Zero bytes may not occur in string parameters.", "22023"));
        }
    }

    private final MockMvc mvc = MockMvcBuilders.standaloneSetup(new Failing()).setControllerAdvice(new ProblemHandler())
            .build();

    @Test
    void aCommitOrRollbackOnADroppedConnectionIsStorageUnavailable() throws Exception {
        mvc.perform(get("/rollback-failed")).andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "5"))
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
    }

    @Test
    void aDataExceptionIsTheCallersValueAndAnyOtherViolationIsUnexpected() throws Exception {
        mvc.perform(get("/nul")).andExpect(status().isBadRequest())
                .andExpect(content().contentTypeCompatibleWith("application/problem+json"));
        mvc.perform(get("/constraint")).andExpect(status().isInternalServerError());
    }
}
