package org.fengqiao;

import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI (ffi/include/fengqiao.h), one method per function, through JNA's direct mapping
 * (static native methods bound once by {@link Native#register}: several times faster per
 * call than an interface proxy). {@code const char *} arguments are NUL-terminated UTF-8
 * byte arrays ({@link Engine} encodes them, refusing a string with a NUL inside: C would
 * silently read it short), {@code char **} and {@code FqEngine **} results are
 * {@link PointerByReference}s whose strings {@link Engine} reads and frees with {@code
 * fq_string_free}. Package-private: hosts use {@link Engine}, which keeps the header's
 * pointer rules.
 */
final class FqLibrary {
    private FqLibrary() {}

    static {
        Native.register(FqLibrary.class, NativeLoader.library());
    }

    // size_t is Java's long: the library is built for 64-bit Linux (LP64: x86_64, aarch64,
    // loongarch64), where both are 64 bits.

    static native String fq_version();
    static native int fq_version_number();
    static native String fq_status_name(int status);
    static native void fq_set_max_input_bytes(long bytes);
    static native int fq_engine_set_max_input_bytes(Pointer engine, long bytes, PointerByReference err);
    static native int fq_engine_new(byte[] world, PointerByReference out, PointerByReference err);
    static native int fq_engine_new_n(byte[] world, long worldLen, PointerByReference out, PointerByReference err);
    static native void fq_engine_free(Pointer engine);
    static native void fq_string_free(Pointer s);
    static native void fq_error_free(Pointer e);
    static native int fq_error_code(Pointer e);
    static native String fq_error_message(Pointer e);
    static native String fq_error_details(Pointer e);
    static native int fq_default_rules(PointerByReference out, PointerByReference err);
    static native int fq_trace_verify(byte[] events, PointerByReference out, PointerByReference err);
    static native int fq_engine_world(Pointer engine, byte[] actor, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_world_export(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_unit(Pointer engine, byte[] unitCode, PointerByReference out, PointerByReference err);
    static native int fq_engine_roots(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_children(Pointer engine, byte[] unitCode, PointerByReference out, PointerByReference err);
    static native int fq_engine_staff_at(Pointer engine, byte[] unitCode, PointerByReference out, PointerByReference err);
    static native int fq_engine_residents(Pointer engine, byte[] actor, byte[] household, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_add_unit(Pointer engine, byte[] unit, PointerByReference err);
    static native int fq_engine_move_unit(Pointer engine, byte[] unitCode, byte[] newParent, byte[] newCode, PointerByReference err);
    static native int fq_engine_retire_unit(Pointer engine, byte[] unitCode, PointerByReference err);
    static native int fq_engine_add_person(Pointer engine, byte[] person, PointerByReference err);
    static native int fq_engine_add_person_at(Pointer engine, byte[] person, long nowMs, PointerByReference err);
    static native int fq_engine_update_person_at(Pointer engine, byte[] person, long nowMs, PointerByReference err);
    static native int fq_engine_update_person(Pointer engine, byte[] person, PointerByReference err);
    static native int fq_engine_update_staff(Pointer engine, byte[] staff, PointerByReference err);
    static native int fq_engine_add_staff(Pointer engine, byte[] staff, PointerByReference err);
    static native int fq_engine_add_agency(Pointer engine, byte[] agency, PointerByReference err);
    static native int fq_engine_set_available(Pointer engine, byte[] staffId, byte available, PointerByReference err);
    static native int fq_engine_set_privacy(Pointer engine, byte[] privacy, PointerByReference err);
    static native int fq_engine_set_local_calendar(Pointer engine, byte[] calendar, PointerByReference err);
    static native int fq_engine_denials(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_rules(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_validate_rules(Pointer engine, byte[] rules, PointerByReference out, PointerByReference err);
    static native int fq_engine_validate_rules_text(Pointer engine, byte[] rules, PointerByReference out, PointerByReference err);
    static native int fq_engine_load_rules(Pointer engine, byte[] actor, byte[] rules, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_register(Pointer engine, byte[] actor, byte[] input, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_decide(Pointer engine, byte[] actor, byte[] caseCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_decide_input(Pointer engine, byte[] input, PointerByReference out, PointerByReference err);
    static native int fq_engine_route(Pointer engine, byte[] actor, byte[] caseCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_apply(Pointer engine, byte[] actor, byte[] caseCode, byte[] operation, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_view_case(Pointer engine, byte[] actor, byte[] caseCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_case_codes(Pointer engine, byte[] actor, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_trace(Pointer engine, byte[] actor, byte[] caseCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_trace_jsonl(Pointer engine, byte[] actor, byte[] caseCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_verify(Pointer engine, byte[] caseCode, PointerByReference err);
    static native int fq_engine_deadlines(Pointer engine, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_sweep(Pointer engine, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_statistics(Pointer engine, byte[] actor, byte[] query, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_assessment(Pointer engine, byte[] actor, byte[] query, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_file_report(Pointer engine, byte[] actor, byte[] report, PointerByReference err);
    static native int fq_engine_missing_reports(Pointer engine, byte[] actor, byte[] unitCode, byte[] date, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_daily_analysis(Pointer engine, byte[] actor, byte[] unitCode, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_weekly_dispatch(Pointer engine, byte[] actor, byte[] unitCode, byte[] level, byte[] date, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_what_if(Pointer engine, byte[] history, byte[] rulesA, byte[] rulesB, PointerByReference out, PointerByReference err);
    static native int fq_engine_restore(byte[] world, byte[] journal, PointerByReference out, PointerByReference err);
    static native int fq_engine_restore_n(byte[] world, long worldLen, byte[] journal, long journalLen, PointerByReference out, PointerByReference err);
    static native int fq_engine_restore_snapshot_n(byte[] snapshot, long snapshotLen, byte[] tail, long tailLen, PointerByReference out, PointerByReference err);
    static native int fq_engine_restore_snapshot(byte[] snapshot, byte[] tail, PointerByReference out, PointerByReference err);
    static native int fq_engine_journal(Pointer engine, long afterSeq, long maxEntries, PointerByReference out, PointerByReference err);
    static native int fq_engine_journal_head(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_case_head(Pointer engine, byte[] caseCode, PointerByReference out, PointerByReference err);
    static native int fq_engine_snapshot(Pointer engine, PointerByReference out, PointerByReference err);
    static native int fq_engine_apply_expecting(Pointer engine, byte[] actor, byte[] caseCode, byte[] operation, long expectedSeq, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_engine_release_journal(Pointer engine, long seq, PointerByReference err);

    // 国密 (ffi/src/security.rs)
    static native int fq_engine_set_signer(Pointer engine, byte[] algorithm, byte[] keyId, Guomi.SignFn sign, Pointer ctx, PointerByReference err);
    static native int fq_engine_set_sm2_signer(Pointer engine, byte[] keyId, byte[] secretHex, PointerByReference publicKey, PointerByReference err);
    static native int fq_engine_sign_head(Pointer engine, byte[] subject, long nowMs, PointerByReference out, PointerByReference err);
    static native int fq_verify_heads(byte[] world, byte[] journal, byte[] heads, Guomi.VerifyFn verify, Pointer ctx, PointerByReference out, PointerByReference err);
    static native int fq_verify_heads_sm2(byte[] world, byte[] journal, byte[] heads, byte[] keys, PointerByReference out, PointerByReference err);
    static native int fq_engine_set_protector(Pointer engine, byte[] algorithm, Guomi.SealFn seal, Guomi.SealFn open, Guomi.EraseFn erase, Pointer ctx, PointerByReference err);
    static native int fq_engine_set_sm4_keyring(Pointer engine, PointerByReference err);
    static native int fq_engine_erase_personal(Pointer engine, byte[] actor, byte[] subject, long nowMs, PointerByReference err);
    static native int fq_engine_audit_record(Pointer engine, PointerByReference out, PointerByReference err);
}
