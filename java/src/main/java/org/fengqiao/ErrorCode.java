package org.fengqiao;

/**
 * The stable error codes, one per {@code FqStatus} of the C ABI (the same words JavaScript
 * and the JSON error documents use). Branch on these, never on message text.
 */
public enum ErrorCode {
    /** Success (never in an exception). */
    OK(0, "ok"),
    /** Malformed input: invalid JSON, an unknown field or value, an out-of-range time. */
    INVALID_INPUT(1, "invalid_input"),
    /** A hierarchy or division-code problem. */
    HIERARCHY(2, "hierarchy"),
    /** An identity number or phone problem. */
    IDENTITY(3, "identity"),
    /** A person, staff member, agency, unit or case that does not exist. */
    NOT_FOUND(4, "not_found"),
    /** An id that already exists. */
    DUPLICATE(5, "duplicate"),
    /** A rule set with errors (the details list every diagnostic). */
    RULE_SET(6, "rule_set"),
    /** A dispute that could not be routed. */
    ROUTING(7, "routing"),
    /** An operation the lifecycle refused (details: state, operation, refusal). */
    LIFECYCLE(8, "lifecycle"),
    /** A trace that does not verify. */
    TRACE(9, "trace"),
    /** A calendar problem (a year without a holiday notice). */
    CALENDAR(10, "calendar"),
    /** Outside the actor's remit; the attempt was logged. */
    DENIED(11, "denied"),
    /** A bug in the library (a caught panic): report it. */
    INTERNAL(12, "internal"),
    /** A required argument was null. */
    NULL_POINTER(13, "null_pointer"),
    /** A string argument was not valid UTF-8. */
    INVALID_UTF8(14, "invalid_utf8"),
    /** The engine handle is not live. */
    INVALID_HANDLE(15, "invalid_handle"),
    /** A journal or snapshot that does not restore (details name the entry). */
    JOURNAL(16, "journal"),
    /** Another writer changed the case first (optimistic concurrency). */
    CONFLICT(17, "conflict"),
    /** A signed head that does not verify, or a signer that failed. */
    SEAL(18, "seal"),
    /** Personal data that could not be sealed or opened. */
    PROTECTION(19, "protection"),
    /** A status this binding does not know (a newer native library). */
    UNKNOWN(-1, "unknown");

    private final int status;
    private final String word;

    ErrorCode(int status, String word) {
        this.status = status;
        this.word = word;
    }

    /** The C ABI's status number. */
    public int status() {
        return status;
    }

    /** The stable word ({@code fq_status_name}). */
    public String word() {
        return word;
    }

    /** The code of a C status number ({@link #UNKNOWN} for a number this binding does not know). */
    public static ErrorCode of(int status) {
        for (ErrorCode c : values()) {
            if (c.status == status) {
                return c;
            }
        }
        return UNKNOWN;
    }
}
