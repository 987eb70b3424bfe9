package org.fengqiao;

import static org.fengqiao.Fixtures.*;
import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import org.junit.jupiter.api.Test;

/**
 * Two engines exchanging a case from Java (issue 33): the street sends a signed document,
 * the county checks it and takes it in once, mediates and returns the result; the street
 * closes the case with the county's steps in its trace. Then the county's statistical
 * return, added up by the street's level above.
 */
class TransferTest {
    static final String SECRET = "3945208f7b2144b13f36e38ac6d39f95889393692860b51a42fb81ef4df7c5b8";
    static final Actor STREET = Actor.staff("cs-522301001000");
    static final Actor COUNTY = Actor.staff("cs-522301000000");

    @Test
    void aCaseGoesToTheCountyAndItsResultComesBack() {
        try (Engine street = Engine.create(world()); Engine county = Engine.create(world())) {
            String pub = street.setSm2Signer("street-2026", SECRET);
            county.setSm2Signer("street-2026", SECRET);
            String keys = "{\"street-2026\":\"" + pub + "\"}";
            String code = street.register(GW, labour(), T0);
            String doc = street.transferOutJson(STREET, code, "{\"unit\":\"522301000000\"}", "escalation", "涉及多户", T0);
            JsonNode d = Json.tree(doc);
            assertEquals("fengqiao-transfer/1", d.get("format").asText());
            assertEquals("street-2026", d.get("head").get("key_id").asText());

            JsonNode checked = Json.tree(Engine.transferCheckJson(doc, keys));
            assertTrue(checked.get("signature_checked").asBoolean());
            JsonNode taken = Json.tree(county.intakeJson(COUNTY, doc, keys, T0));
            assertEquals(code, taken.get("case").asText());
            assertEquals(3, taken.get("added").asInt());
            assertEquals(0, Json.tree(county.intakeJson(COUNTY, doc, keys, T0)).get("added").asInt());

            // Refused, each with its code: a key the county does not trust, a rewritten trace.
            FengqiaoException stranger = assertThrows(FengqiaoException.class,
                    () -> county.intakeJson(COUNTY, doc, "{}", T0));
            assertEquals(ErrorCode.SIGNATURE, stranger.code());
            String rewritten = doc.replace("涉及多户", "一户");
            FengqiaoException trace = assertThrows(FengqiaoException.class,
                    () -> Engine.transferCheckJson(rewritten, null));
            assertEquals(ErrorCode.TRACE, trace.code());

            county.applyJson(COUNTY, code, "{\"op\":\"accept\"}", T0);
            String back = county.transferOutJson(COUNTY, code, "{\"unit\":\"522301001000\"}", "result", null, T0);
            JsonNode returned = Json.tree(street.intakeJson(STREET, back, keys, T0));
            assertEquals(4, returned.get("added").asInt());
            FengqiaoException sent = assertThrows(FengqiaoException.class,
                    () -> county.applyJson(COUNTY, code, "{\"op\":\"accept\"}", T0));
            assertEquals(ErrorCode.LIFECYCLE, sent.code());

            // The county's return counts the case as sent on; the street's level adds it up.
            String ret = county.statisticalReturnJson(Actor.system(), "522301001001", "2025-06-01", "2025-06-30", T0);
            assertEquals(1, Json.tree(ret).get("counts").get("transferred_out").asInt());
            JsonNode sum = Json.tree(street.consolidateJson(Actor.system(), "522301001000", "2025-06-01", "2025-06-30", "[" + ret + "]", keys, T0));
            assertEquals(0, sum.get("cases").asInt());
            FengqiaoException notBelow = assertThrows(FengqiaoException.class,
                    () -> street.consolidateJson(Actor.system(), "522301001001", "2025-06-01", "2025-06-30", "[" + ret + "]", null, T0));
            assertEquals(ErrorCode.STATISTICAL_RETURN, notBelow.code());
        }
    }
}
