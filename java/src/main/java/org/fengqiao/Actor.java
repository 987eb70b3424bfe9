package org.fengqiao;

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

    /** The actor as the C ABI reads it. */
    public String toJson() {
        return json;
    }

    @Override
    public String toString() {
        return json;
    }
}
