package org.fengqiao;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Every refusal of the library: the stable {@link ErrorCode}, the message for people and the
 * details as a Jackson tree (the entry, case and seq of a refused journal; the state and
 * refusal of a lifecycle error; every diagnostic of a rule set).
 *
 * <p>Unchecked, by choice: a refusal is an outcome the host handles where it can (usually at
 * its request boundary, as Spring's {@code DataAccessException}), and checked exceptions do not
 * pass through lambdas, streams and transaction templates. The subclasses are the codes a host
 * branches on; {@link #code()} names every other. Nothing changed in the engine when one is
 * thrown.
 */
public class FengqiaoException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final ErrorCode code;
    private final transient JsonNode details;

    /** An exception with a code, a message and details (never null: an empty object). */
    public FengqiaoException(ErrorCode code, String message, JsonNode details) {
        super(message);
        this.code = code;
        this.details = details;
    }

    /** The stable code. */
    public ErrorCode code() {
        return code;
    }

    /** The C ABI's status number. */
    public int status() {
        return code.status();
    }

    /** The details, as the error's JSON (an empty object when there are none). */
    public JsonNode details() {
        return details;
    }

    /** The subclass for a code. */
    static FengqiaoException of(ErrorCode code, String message, JsonNode details) {
        switch (code) {
            case LIFECYCLE:
                return new LifecycleException(message, details);
            case DENIED:
                return new DeniedException(message, details);
            case NOT_FOUND:
                return new NotFoundException(message, details);
            case CONFLICT:
                return new ConflictException(message, details);
            case JOURNAL:
                return new JournalException(message, details);
            default:
                return new FengqiaoException(code, message, details);
        }
    }

    /** The lifecycle refused the operation (details: {@code state}, {@code operation}, {@code refusal}). */
    public static class LifecycleException extends FengqiaoException {
        private static final long serialVersionUID = 1L;

        LifecycleException(String message, JsonNode details) {
            super(ErrorCode.LIFECYCLE, message, details);
        }
    }

    /** Outside the actor's remit; the engine logged the attempt. */
    public static class DeniedException extends FengqiaoException {
        private static final long serialVersionUID = 1L;

        DeniedException(String message, JsonNode details) {
            super(ErrorCode.DENIED, message, details);
        }
    }

    /** A person, staff member, agency, unit or case that does not exist. */
    public static class NotFoundException extends FengqiaoException {
        private static final long serialVersionUID = 1L;

        NotFoundException(String message, JsonNode details) {
            super(ErrorCode.NOT_FOUND, message, details);
        }
    }

    /** Another writer changed the case first: reload and retry (details: {@code expected}, {@code actual}). */
    public static class ConflictException extends FengqiaoException {
        private static final long serialVersionUID = 1L;

        ConflictException(String message, JsonNode details) {
            super(ErrorCode.CONFLICT, message, details);
        }
    }

    /** A journal or snapshot that does not restore (details: {@code seq}, {@code case}, {@code case_seq}, {@code problem}). */
    public static class JournalException extends FengqiaoException {
        private static final long serialVersionUID = 1L;

        JournalException(String message, JsonNode details) {
            super(ErrorCode.JOURNAL, message, details);
        }
    }
}
