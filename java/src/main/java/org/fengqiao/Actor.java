package org.fengqiao;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import com.fasterxml.jackson.databind.JsonNode;

/**
 * Who acts: a staff member, an agency, or the system (routing, sweeps). The library trusts
 * the actor it is given: the host authenticates people and passes who they are.
 */
public final class Actor {
    private final String json;

    private Actor(String json) {
        this.json = json;
    }

    /** The platform, acting by rule. */
    public static Actor system() {
        return new Actor("\"system\"");
    }

    /** A staff member by id ({@code gw-522301001001001}). */
    public static Actor staff(String id) {
        return new Actor("{\"staff\":" + Json.quote(id) + "}");
    }

    /** An agency by id ({@code court-522301000000}). */
    public static Actor agency(String id) {
        return new Actor("{\"agency\":" + Json.quote(id) + "}");
    }

    /**
     * An actor given as JSON ({@code "system"}, {@code {"staff": id}}, {@code {"agency": id}}),
     * as a host's own records or a request may carry it. Checked by the library when it is
     * used: anything else is refused with {@link ErrorCode#INVALID_INPUT} naming the argument.
     */
    public static Actor fromJson(String json) {
        if (json == null) {
            throw new IllegalArgumentException("argument `json`: null; an actor's JSON is required");
        }
        return new Actor(json);
    }

    /** The actor as the C ABI reads it. */
    public String toJson() {
        return json;
    }

    /** The actor as a JSON tree: how the model classes (an event's actor, a denial's) write it. */
    @JsonValue
    public JsonNode toTree() {
        return Json.tree(json);
    }

    /** The actor a model class reads (an event's, a denial's …). */
    @JsonCreator
    static Actor ofTree(JsonNode tree) {
        return new Actor(tree.toString());
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Actor && ((Actor) o).toTree().equals(toTree());
    }

    @Override
    public int hashCode() {
        return toTree().hashCode();
    }

    @Override
    public String toString() {
        return json;
    }
}
