package com.healthtourism.hub.problems;

import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.fasterxml.jackson.databind.JsonMappingException;
import jakarta.validation.ConstraintViolationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.dao.DataAccessResourceFailureException;
import org.springframework.dao.DataIntegrityViolationException;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.HttpStatusCode;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionSystemException;
import org.springframework.validation.FieldError;
import org.springframework.web.bind.MethodArgumentNotValidException;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.bind.annotation.RestControllerAdvice;
import org.springframework.web.context.request.WebRequest;
import org.springframework.web.method.annotation.HandlerMethodValidationException;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.mvc.method.annotation.ResponseEntityExceptionHandler;

/** Turns every failure of the hub's HTTP API into application/problem+json; never leaks internals. */
@RestControllerAdvice
public class ProblemHandler extends ResponseEntityExceptionHandler {

    private static final Logger log = LoggerFactory.getLogger(ProblemHandler.class);

    @ExceptionHandler(ProblemException.class)
    ResponseEntity<Object> domain(ProblemException e) {
        var problem = Problems.problem(e.status(), e.getMessage(), e.field());
        e.properties().forEach(problem::setProperty);
        return Problems.respond(problem, null);
    }

    /** A constraint on a parameter of a controller validated as a whole ({@code @Validated}): the last path node names it. */
    @ExceptionHandler(ConstraintViolationException.class)
    ResponseEntity<Object> constraintViolated(ConstraintViolationException e) {
        var violation = e.getConstraintViolations().iterator().next();
        String field = null;
        for (var node : violation.getPropertyPath()) {
            field = node.getName();
        }
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, field + ": " + violation.getMessage(), field), null);
    }

    @ExceptionHandler(MethodArgumentTypeMismatchException.class)
    ResponseEntity<Object> badParameter(MethodArgumentTypeMismatchException e) {
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST,
                e.getName() + ": is not a valid " + simpleType(e.getRequiredType()), e.getName()), null);
    }

    // TransactionSystemException: the commit or rollback itself failed, on a connection the database dropped (the
    // first requests after an outage can still get one from the pool)
    @ExceptionHandler({DataAccessResourceFailureException.class, CannotCreateTransactionException.class,
            TransactionSystemException.class})
    ResponseEntity<Object> databaseDown(RuntimeException e) {
        log.warn("database unavailable: {}", e.getClass().getSimpleName());
        var headers = new HttpHeaders();
        headers.set(HttpHeaders.RETRY_AFTER, "5");
        return Problems.respond(Problems.problem(HttpStatus.SERVICE_UNAVAILABLE,
                "storage is unavailable, retry later", null), headers);
    }

    /**
     * PostgreSQL's data exceptions (SQLSTATE class 22: a NUL in a text, a number or date out of range, a value too
     * long) are caused by a value in the request: the caller's 400, not the server's 500. Anything else (a constraint
     * the code did not expect to be violated) is unexpected.
     */
    @ExceptionHandler(DataIntegrityViolationException.class)
    ResponseEntity<Object> unstorable(DataIntegrityViolationException e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof SQLException sql && sql.getSQLState() != null && sql.getSQLState().startsWith("22")) {
                log.info("a request's value could not be stored (SQLSTATE {})", sql.getSQLState());
                return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "the request holds a value that cannot"
                        + " be stored (a NUL character, or a number, date or text out of range)", null), null);
            }
        }
        return unexpected(e);
    }

    @ExceptionHandler(Exception.class)
    ResponseEntity<Object> unexpected(Exception e) {
        log.error("unexpected failure ({})", e.getClass().getName(), e);
        return Problems.respond(Problems.problem(HttpStatus.INTERNAL_SERVER_ERROR, "unexpected error", null), null);
    }

    @Override
    protected ResponseEntity<Object> handleMethodArgumentNotValid(MethodArgumentNotValidException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        List<FieldError> errors = e.getBindingResult().getFieldErrors();
        var detail = errors.stream().map(f -> f.getField() + ": " + f.getDefaultMessage())
                .collect(Collectors.joining("; "));
        var problem = Problems.problem(HttpStatus.BAD_REQUEST, detail, errors.isEmpty() ? null : errors.get(0).getField());
        problem.setProperty("errors", errors.stream()
                .map(f -> Map.of("field", f.getField(), "message", String.valueOf(f.getDefaultMessage())))
                .toList());
        return Problems.respond(problem, null);
    }

    @Override
    protected ResponseEntity<Object> handleHandlerMethodValidationException(HandlerMethodValidationException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        var first = e.getParameterValidationResults().get(0);
        var field = first.getMethodParameter().getParameterName();
        var message = first.getResolvableErrors().get(0).getDefaultMessage();
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, field + ": " + message, field), null);
    }

    @Override
    protected ResponseEntity<Object> handleHttpMessageNotReadable(HttpMessageNotReadableException e,
            HttpHeaders headers, HttpStatusCode status, WebRequest request) {
        if (e.getCause() instanceof JsonMappingException mapping && !mapping.getPath().isEmpty()) {
            var field = mapping.getPath().stream()
                    .map(ref -> ref.getFieldName() != null ? ref.getFieldName() : "[" + ref.getIndex() + "]")
                    .collect(Collectors.joining("."));
            return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, field + ": has the wrong type", field), null);
        }
        return Problems.respond(Problems.problem(HttpStatus.BAD_REQUEST, "the request body is not valid JSON", null), null);
    }

    @Override
    protected ResponseEntity<Object> createResponseEntity(Object body, HttpHeaders headers,
            HttpStatusCode status, WebRequest request) {
        var problem = body instanceof ProblemDetail detail ? detail
                : Problems.problem(status, HttpStatus.valueOf(status.value()).getReasonPhrase(), null);
        return Problems.respond(problem, headers);
    }

    private static String simpleType(Class<?> type) {
        return type == null ? "value" : type.getSimpleName().equals("UUID") ? "UUID" : type.getSimpleName();
    }
}
