package org.fengqiao.model;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A lifecycle operation (docs/schema/operation.schema.json): its name in {@code op} and its
 * arguments beside it, as the engine reads them. The factories below build the everyday
 * ones; {@link #of(String)} and {@link #with(String, Object)} build any other, so a new
 * operation in a newer library needs no new Java class. Written by hand: the schema is a
 * union of 20-odd shapes, one per operation.
 */
public class Operation {
    /** Unset (null) fields of model objects are left out, as {@code Json} writes them: the
     *  engine reads an absent optional field, and refuses a null where a value is expected. */
    private static final ObjectMapper TREES = new ObjectMapper()
            .setSerializationInclusion(JsonInclude.Include.NON_NULL);

    /** The operation's name: {@code accept}, {@code record_session}, {@code resolve} … */
    @JsonProperty("op")
    public String op;

    private final Map<String, JsonNode> arguments = new LinkedHashMap<>();

    /** An operation by name, without arguments yet. */
    public static Operation of(String op) {
        Operation o = new Operation();
        o.op = op;
        return o;
    }

    /** Adds an argument (a string, number, boolean, list, map, model object or tree). */
    public Operation with(String name, Object value) {
        arguments.put(name, TREES.valueToTree(value));
        return this;
    }

    /** 受理: the handling unit accepts the case. */
    public static Operation accept(String note) {
        return of("accept").with("note", note);
    }

    /** 调解: one mediation session, held as {@code method} says. */
    public static Operation recordSession(Method method, String summary, boolean partiesConsent) {
        return of("record_session").with("method", method).with("summary", summary)
                .with("parties_consent", partiesConsent);
    }

    /** 化解: the parties reached an agreement. */
    public static Operation resolve(Agreement agreement) {
        return of("resolve").with("agreement", agreement);
    }

    /** 回访验证: the follow-up visit found the agreement kept (or not). */
    public static Operation verify(boolean satisfied) {
        return of("verify").with("satisfied", satisfied);
    }

    /** 申请司法确认: every party applies jointly (人民调解法 art. 33). */
    public static Operation applyConfirmation(String appliedOn, List<Party> applicants) {
        return of("apply_confirmation").with("applied_on", appliedOn)
                .with("applicants", new ArrayList<>(applicants));
    }

    /** 法院受理: the court accepts the application (法释〔2011〕5号 art. 4). */
    public static Operation acceptConfirmation(String acceptedOn) {
        return of("accept_confirmation").with("accepted_on", acceptedOn);
    }

    /** 确认有效: the court confirms the agreement. */
    public static Operation grantConfirmation(String decidedOn) {
        return of("grant_confirmation").with("decided_on", decidedOn);
    }

    /**
     * 中止计时: the working-day clock stops ({@link PauseReason#OTHER} with a note). The legal
     * windows keep running.
     */
    public static Operation suspend(PauseReason reason, String note) {
        return of("suspend").with("reason", reason).with("note", note);
    }

    /** 恢复计时: the clock runs again. */
    public static Operation resume(String note) {
        return of("resume").with("note", note);
    }

    /** 延期申请: the handler asks for {@code days} more working days in this phase. */
    public static Operation requestExtension(int days, String reason) {
        return of("request_extension").with("days", days).with("reason", reason);
    }

    /**
     * 延期审批 by a centre above the handling unit: approved with {@code days} (at most those
     * asked; {@code null}: all of them), or refused ({@code approved} false, {@code days} null).
     */
    public static Operation decideExtension(boolean approved, Integer days) {
        Operation o = of("decide_extension").with("approved", approved);
        return days == null ? o : o.with("days", days);
    }

    /** The arguments, as JSON trees, in the order they were given. */
    @JsonAnyGetter
    public Map<String, JsonNode> arguments() {
        return arguments;
    }

    @JsonAnySetter
    void argument(String name, JsonNode value) {
        arguments.put(name, value);
    }
}
