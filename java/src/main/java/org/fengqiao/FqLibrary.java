package org.fengqiao;

import com.sun.jna.IntegerType;
import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;
import com.sun.jna.ptr.PointerByReference;

/**
 * The C ABI (ffi/include/fengqiao.h), one method per function, as JNA maps it: {@code const
 * char *} arguments are Java strings (encoded as UTF-8, the library's option), {@code char **}
 * and {@code FqEngine **} results are {@link PointerByReference}s whose strings
 * {@link Engine} reads and frees with {@code fq_string_free}. Package-private: hosts use
 * {@link Engine}, which keeps the header's pointer rules.
 */
interface FqLibrary extends Library {
    /** {@code size_t}. */
    final class SizeT extends IntegerType {
        private static final long serialVersionUID = 1L;

        public SizeT() {
            this(0);
        }

        public SizeT(long value) {
            super(Native.SIZE_T_SIZE, value, true);
        }
    }

    String fq_version();
    int fq_version_number();
    String fq_status_name(int status);
    void fq_set_max_input_bytes(SizeT bytes);
    int fq_engine_set_max_input_bytes(Pointer engine, SizeT bytes, PointerByReference err);
    int fq_engine_new(String world, PointerByReference out, PointerByReference err);
    int fq_engine_new_n(byte[] world, SizeT worldLen, PointerByReference out, PointerByReference err);
    void fq_engine_free(Pointer engine);
    void fq_string_free(Pointer s);
    void fq_error_free(Pointer e);
    int fq_error_code(Pointer e);
    String fq_error_message(Pointer e);
    String fq_error_details(Pointer e);
    int fq_default_rules(PointerByReference out, PointerByReference err);
    int fq_trace_verify(String events, PointerByReference out, PointerByReference err);
    int fq_engine_world(Pointer engine, String actor, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_world_export(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_unit(Pointer engine, String unitCode, PointerByReference out, PointerByReference err);
    int fq_engine_roots(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_children(Pointer engine, String unitCode, PointerByReference out, PointerByReference err);
    int fq_engine_staff_at(Pointer engine, String unitCode, PointerByReference out, PointerByReference err);
    int fq_engine_residents(Pointer engine, String actor, String household, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_add_unit(Pointer engine, String unit, PointerByReference err);
    int fq_engine_move_unit(Pointer engine, String unitCode, String newParent, String newCode, PointerByReference err);
    int fq_engine_retire_unit(Pointer engine, String unitCode, PointerByReference err);
    int fq_engine_add_person(Pointer engine, String person, PointerByReference err);
    int fq_engine_update_person(Pointer engine, String person, PointerByReference err);
    int fq_engine_update_staff(Pointer engine, String staff, PointerByReference err);
    int fq_engine_add_staff(Pointer engine, String staff, PointerByReference err);
    int fq_engine_add_agency(Pointer engine, String agency, PointerByReference err);
    int fq_engine_set_available(Pointer engine, String staffId, byte available, PointerByReference err);
    int fq_engine_set_privacy(Pointer engine, String privacy, PointerByReference err);
    int fq_engine_denials(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_rules(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_validate_rules(Pointer engine, String rules, PointerByReference out, PointerByReference err);
    int fq_engine_load_rules(Pointer engine, String actor, String rules, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_register(Pointer engine, String actor, String input, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_decide(Pointer engine, String actor, String caseCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_decide_input(Pointer engine, String input, PointerByReference out, PointerByReference err);
    int fq_engine_route(Pointer engine, String actor, String caseCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_apply(Pointer engine, String actor, String caseCode, String operation, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_view_case(Pointer engine, String actor, String caseCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_case_codes(Pointer engine, String actor, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_trace(Pointer engine, String actor, String caseCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_trace_jsonl(Pointer engine, String actor, String caseCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_verify(Pointer engine, String caseCode, PointerByReference err);
    int fq_engine_deadlines(Pointer engine, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_sweep(Pointer engine, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_statistics(Pointer engine, String actor, String query, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_file_report(Pointer engine, String actor, String report, PointerByReference err);
    int fq_engine_missing_reports(Pointer engine, String actor, String unitCode, String date, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_daily_analysis(Pointer engine, String actor, String unitCode, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_weekly_dispatch(Pointer engine, String actor, String unitCode, String level, String date, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_what_if(Pointer engine, String history, String rulesA, String rulesB, PointerByReference out, PointerByReference err);
    int fq_engine_restore(String world, String journal, PointerByReference out, PointerByReference err);
    int fq_engine_restore_n(byte[] world, SizeT worldLen, byte[] journal, SizeT journalLen, PointerByReference out, PointerByReference err);
    int fq_engine_restore_snapshot_n(byte[] snapshot, SizeT snapshotLen, byte[] tail, SizeT tailLen, PointerByReference out, PointerByReference err);
    int fq_engine_restore_snapshot(String snapshot, String tail, PointerByReference out, PointerByReference err);
    int fq_engine_journal(Pointer engine, long afterSeq, long maxEntries, PointerByReference out, PointerByReference err);
    int fq_engine_journal_head(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_case_head(Pointer engine, String caseCode, PointerByReference out, PointerByReference err);
    int fq_engine_snapshot(Pointer engine, PointerByReference out, PointerByReference err);
    int fq_engine_apply_expecting(Pointer engine, String actor, String caseCode, String operation, long expectedSeq, long nowMs, PointerByReference out, PointerByReference err);
    int fq_engine_release_journal(Pointer engine, long seq, PointerByReference err);
}
